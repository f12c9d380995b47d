// Each test starts its own broker and drives time-compressed uplinks; on a 2-core machine they are
// steadier (and no slower overall) one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
