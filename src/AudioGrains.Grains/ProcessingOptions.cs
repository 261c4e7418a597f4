namespace AudioGrains.Grains;

/// <summary>How a silo runs jobs. Bound from configuration section "AudioGrains:Processing"; defaults here, checked at start against <see cref="Validate"/>.</summary>
public sealed record ProcessingOptions
{
    public const string Section = "AudioGrains:Processing";

    /// <summary>Chunks processed at once on one silo: CPU work, about one per core.</summary>
    public int MaxConcurrentChunks { get; init; } = Environment.ProcessorCount;

    /// <summary>Chunk calls one job keeps in flight across the cluster.</summary>
    public int MaxChunksInFlight { get; init; } = 8;

    /// <summary>Tries of one chunk before the step counts as failed.</summary>
    public int MaxChunkAttempts { get; init; } = 4;

    /// <summary>
    /// How long one try of a chunk or segment may take, waiting for a CPU slot on its silo included; then it is
    /// cancelled and counts as a failed try (error code timeout). Below the calls' 10-minute response timeout, so a stuck
    /// try ends with its own code, and far above what a chunk needs (a 30 s chunk takes about a second).
    /// </summary>
    public TimeSpan ChunkTimeout { get; init; } = TimeSpan.FromMinutes(8);

    /// <summary>Tries of one pipeline step before the job is dead-lettered.</summary>
    public int MaxJobAttempts { get; init; } = 3;

    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Cap of the wait between tries while a store is down (the job's own state in Redis, blobs in S3): short, so a job
    /// goes on within seconds of the store's return; a try costs the store nothing while it is down.
    /// </summary>
    public TimeSpan StateRetryMaxDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long work waits for the blob store (S3) without spending its tries: a restart or a short outage of the store
    /// must not dead-letter healthy jobs. Past this, failures count as tries again, and a job fails with
    /// storage-unavailable after its last one.
    /// </summary>
    public TimeSpan StorageOutageTolerance { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Completed chunks are checkpointed at most this often (and at the end of the step).</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest input accepted, bytes.</summary>
    public long MaxInputBytes { get; init; } = 4L * 1024 * 1024 * 1024;

    /// <summary>Free space that must remain after an ingest; the working PCM needs room too.</summary>
    public long MinFreeBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>Frames per block when streaming PCM through a chunk or the encoder (memory stays flat).</summary>
    public int BlockFrames { get; init; } = 32768;

    /// <summary>
    /// Opus output is encoded in segments of about this length, in parallel. Each segment is one ffmpeg run (about
    /// 60 ms to start) with 1.2 s of pre- and post-roll, so segments much shorter than a few minutes cost more
    /// than they gain; an hour still gives 12 segments to spread over the cluster. Segments start on multiples of
    /// this length whatever the chunk size, so the output does not depend on the chunk size.
    /// </summary>
    public double EncodeSegmentSeconds { get; init; } = 300;

    /// <summary>This silo's private folder for staged copies of blobs (inputs ffmpeg reads, outputs it writes); empty: the system's temp folder.</summary>
    public string TempDirectory { get; init; } = "";

    /// <summary>How long a finished (completed, failed or cancelled) job keeps its blobs; then it expires.</summary>
    public TimeSpan ResultTtl { get; init; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long an expired job's record (its status, report and error; no blobs) still answers "expired"; then the job
    /// is forgotten: unknown (HTTP 404), and nothing of it is left in grain storage or the reminder table. Zero forgets
    /// a job as it expires. Without it a long-lived cluster's Redis grows by every job it ever ran.
    /// </summary>
    public TimeSpan ExpiredRecordRetention { get; init; } = TimeSpan.FromDays(7);

    /// <summary>
    /// An upload that gets no block for this long and is neither completed nor abandoned is given up: its blocks are
    /// deleted (a client that went away, or kept an idempotency key and never resumed). A resume within it sends only
    /// the missing blocks; after it, the whole file again.
    /// </summary>
    public TimeSpan AbandonedUploadTtl { get; init; } = TimeSpan.FromHours(24);

    /// <summary>The job registry lists at most this many jobs, the newest.</summary>
    public int MaxListedJobs { get; init; } = 1000;

    /// <summary>
    /// The registry's set of active jobs is checked against the jobs' statuses at most this often, when it is counted
    /// (a job that ended without telling the registry must not count forever).
    /// </summary>
    public TimeSpan ActiveJobsRecheck { get; init; } = TimeSpan.FromSeconds(30);

    public IEnumerable<string> Validate()
    {
        if (MaxConcurrentChunks < 1) yield return "MaxConcurrentChunks must be at least 1";
        if (MaxChunksInFlight < 1) yield return "MaxChunksInFlight must be at least 1";
        if (MaxChunkAttempts < 1) yield return "MaxChunkAttempts must be at least 1";
        if (MaxJobAttempts < 1) yield return "MaxJobAttempts must be at least 1";
        if (ChunkTimeout <= TimeSpan.Zero || ChunkTimeout > TimeSpan.FromMinutes(10)) yield return "ChunkTimeout must be above 0 and at most 10 minutes (the calls' response timeout)";
        if (RetryBaseDelay < TimeSpan.Zero || RetryMaxDelay < RetryBaseDelay) yield return "retry delays must satisfy 0 <= RetryBaseDelay <= RetryMaxDelay";
        if (StateRetryMaxDelay < RetryBaseDelay) yield return "StateRetryMaxDelay must be at least RetryBaseDelay";
        if (StorageOutageTolerance < TimeSpan.Zero) yield return "StorageOutageTolerance must not be negative";
        if (CheckpointInterval < TimeSpan.Zero) yield return "CheckpointInterval must not be negative";
        if (MaxInputBytes < 1) yield return "MaxInputBytes must be positive";
        if (MinFreeBytes < 0) yield return "MinFreeBytes must not be negative";
        if (BlockFrames < 256) yield return "BlockFrames must be at least 256";
        if (ResultTtl <= TimeSpan.Zero) yield return "ResultTtl must be positive";
        if (ExpiredRecordRetention < TimeSpan.Zero) yield return "ExpiredRecordRetention must not be negative";
        if (AbandonedUploadTtl <= TimeSpan.Zero) yield return "AbandonedUploadTtl must be positive";
        if (MaxListedJobs < 1) yield return "MaxListedJobs must be at least 1";
        if (ActiveJobsRecheck < TimeSpan.Zero) yield return "ActiveJobsRecheck must not be negative";
        if (!(double.IsFinite(EncodeSegmentSeconds) && EncodeSegmentSeconds is >= 1 and <= 3600)) yield return "EncodeSegmentSeconds must be from 1 to 3600";
    }
}
