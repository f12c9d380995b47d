// Each test starts its own broker; on a 2-core machine they are steadier one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
