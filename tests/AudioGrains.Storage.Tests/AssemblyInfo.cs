// One test at a time: the large-blob test measures this process's memory, and the S3 tests set AWS_* variables.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
