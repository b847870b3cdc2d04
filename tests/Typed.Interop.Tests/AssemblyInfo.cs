// Each interop test starts servers and Node processes and times heartbeats in hundreds of milliseconds; running them
// one at a time keeps a 2-core machine from starving them.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
