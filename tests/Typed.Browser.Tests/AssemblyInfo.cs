// Each test starts a server, a Chromium and sometimes the .NET client: one at a time on a 2-core machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
