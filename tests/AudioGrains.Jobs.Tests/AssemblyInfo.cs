// The clusters' silos share two cores: tests in parallel would make every time bound (the cancel's 1 s) a coin toss.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
