namespace Parsec.Search.Distributed;

/// <summary>
/// Ticket counters in memory that every rank of a job on one machine maps (MPI_Win_allocate_shared): a rank takes the
/// next sample of a pass with one atomic add, without waiting for any other rank, so a rank whose core is busier or
/// whose samples are heavier simply takes fewer of them. (MPI's own atomics, MPI_Fetch_and_op, wait until the rank
/// holding the counter next enters MPI, which during a pass is only at its end.) Only ranks that share memory can
/// do this; a job over several machines has no such counters (<see cref="Create"/> gives null) and splits its samples
/// by rank instead.
/// </summary>
/// <remarks>
/// Two counters alternate between passes. Pass p takes from counter p mod 2; at its start rank 0 resets the other
/// one, which pass p - 1 used. That is safe: every rank had finished taking from it before the all-gather that ended
/// pass p - 1, and no rank takes from it again before the all-gather that ends pass p, which waits for rank 0 and so
/// for its reset. Every rank counts the passes (<see cref="BeginPass"/> is called once per pass on every rank).
/// </remarks>
internal sealed unsafe class NodeTickets : IDisposable
{
    private const int Slots = 2;
    private readonly long* _counters;
    private readonly bool _resets;
    private int _window, _node;
    private long _passes;

    private NodeTickets(long* counters, int window, int node, bool resets)
    {
        _counters = counters;
        _window = window;
        _node = node;
        _resets = resets;
    }

    /// <summary>The counters, when every rank of <paramref name="world"/> runs on this machine; null otherwise. Collective: every rank calls it.</summary>
    public static NodeTickets? Create(MpiWorld world)
    {
        MpiNative.Check(MpiNative.CommSplitType(MpiNative.CommWorld, MpiNative.CommTypeShared, world.Rank, MpiNative.InfoNull, out int node), "MPI_Comm_split_type");
        MpiNative.Check(MpiNative.CommSize(node, out int onThisMachine), "MPI_Comm_size");
        // Every rank learns the same answer: the world shares one machine only if each rank's machine holds all of it.
        bool everyRankHere = world.AllGather([onThisMachine == world.Size ? (byte)1 : (byte)0]).All(b => b[0] == 1);
        if (!everyRankHere)
        {
            MpiNative.Check(MpiNative.CommFree(ref node), "MPI_Comm_free");
            return null;
        }
        long* counters;
        MpiNative.Check(MpiNative.WinAllocateShared(world.IsRoot ? Slots * sizeof(long) : 0, sizeof(long), MpiNative.InfoNull, node, &counters, out int window),
            "MPI_Win_allocate_shared");
        MpiNative.Check(MpiNative.WinSharedQuery(window, 0, out _, out _, &counters), "MPI_Win_shared_query");
        if (world.IsRoot)
            for (int s = 0; s < Slots; s++) Interlocked.Exchange(ref counters[s], 0);
        world.Barrier(); // nobody takes a ticket before rank 0 has zeroed them
        return new NodeTickets(counters, window, node, world.IsRoot);
    }

    /// <summary>Starts the next pass on this rank and returns its ticket source: each call gives the next unclaimed index of the pass (0, 1, 2, ... over all ranks).</summary>
    public Func<int> BeginPass()
    {
        long pass = _passes++;
        long* counter = &_counters[pass % Slots];
        if (_resets) Interlocked.Exchange(ref _counters[(pass + 1) % Slots], 0);
        return () => checked((int)(Interlocked.Increment(ref *counter) - 1));
    }

    public void Dispose()
    {
        if (_window != 0) MpiNative.WinFree(ref _window);
        if (_node != 0) MpiNative.CommFree(ref _node);
        _window = _node = 0;
    }
}
