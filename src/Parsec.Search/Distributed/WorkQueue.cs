namespace Parsec.Search.Distributed;

/// <summary>
/// The items 0..count-1 of a job handed out one at a time, from a queue kept by rank 0: a rank that finishes an item
/// asks for the next, so long and short items even out over the ranks, on one machine or many. In one process it is
/// a plain counter.
/// </summary>
/// <remarks>
/// Rank 0 works on items like every other rank, so its queue is served by a thread of its own (the dispatcher): it
/// polls for requests (MPI_Iprobe, then sleeps a millisecond when there is none, so that it costs no core), answers
/// each with the next index or -1 once the queue is empty, and ends when every other rank has had its -1 or left.
/// Rank 0's main thread makes no MPI call while the queue is open, so MPI_THREAD_SERIALIZED suffices; an MPI that
/// offers less gets the fixed split instead (rank r takes r, r + n, r + 2n, ...). Point-to-point messages never match
/// a collective's, so the tag only keeps the queue's messages apart from any other point-to-point use.
/// </remarks>
internal sealed unsafe class WorkQueue : IDisposable
{
    private const int Tag = 0x5051;
    private const int Ask = 0, Leave = 1, Empty = -1;

    private readonly int _count;
    private readonly MpiWorld? _world;
    private readonly Thread? _dispatcher;
    private readonly int[] _handedTo;
    private int _next = -1;
    private bool _left;

    public WorkQueue(int count, MpiWorld? world)
    {
        _count = count;
        _world = world is { Size: > 1 } ? world : null;
        _handedTo = new int[_world?.Size ?? 1];
        if (_world is { IsRoot: true, ServesThreads: true })
        {
            _dispatcher = new Thread(Dispatch) { IsBackground = true, Name = "parsec work queue" };
            _dispatcher.Start();
        }
    }

    private bool FixedSplit => _world is { ServesThreads: false };

    /// <summary>The next item for this rank, or null when none is left (this rank has then left the queue).</summary>
    public int? Take()
    {
        if (_left) return null;
        int item = _world is null || _world.IsRoot && !FixedSplit ? NextIndex(rank: 0)
            : FixedSplit ? NextOfMyShare(_world)
            : AskRankZero();
        if (item == Empty) _left = true;
        return item == Empty ? null : item;
    }

    /// <summary>This rank takes no more items (it is stopping early); the queue goes on serving the others.</summary>
    public void LeaveEarly()
    {
        if (_left) return;
        _left = true;
        if (_world is { IsRoot: false } && !FixedSplit) Send(Leave);
    }

    /// <summary>
    /// Leaves the queue; on rank 0, waits until every rank has left it and returns how many items each rank took (null
    /// on the other ranks and with the fixed split, where nobody counts).
    /// </summary>
    public IReadOnlyList<int>? Close()
    {
        LeaveEarly();
        _dispatcher?.Join();
        return _world is null || _world.IsRoot && !FixedSplit ? _handedTo : null;
    }

    public void Dispose() => Close();

    private int NextIndex(int rank)
    {
        int index = Interlocked.Increment(ref _next);
        if (index >= _count) return Empty;
        Interlocked.Increment(ref _handedTo[rank]);
        return index;
    }

    /// <summary>The fixed split: this rank's items r, r + n, r + 2n, ... in turn.</summary>
    private int NextOfMyShare(MpiWorld world)
    {
        _next = _next < 0 ? world.Rank : _next + world.Size;
        return _next < _count ? _next : Empty;
    }

    private int AskRankZero()
    {
        Send(Ask);
        int item;
        MpiNative.Check(MpiNative.Recv(&item, 1, MpiNative.Int, 0, Tag, MpiNative.CommWorld, MpiNative.StatusIgnore), "MPI_Recv");
        return item;
    }

    private static void Send(int message) =>
        MpiNative.Check(MpiNative.Send(&message, 1, MpiNative.Int, 0, Tag, MpiNative.CommWorld), "MPI_Send");

    private void Dispatch()
    {
        try
        {
            int open = _world!.Size - 1;
            while (open > 0)
            {
                MpiNative.Status status;
                MpiNative.Check(MpiNative.Iprobe(MpiNative.AnySource, Tag, MpiNative.CommWorld, out int arrived, &status), "MPI_Iprobe");
                if (arrived == 0)
                {
                    Thread.Sleep(1);
                    continue;
                }
                int message;
                MpiNative.Check(MpiNative.Recv(&message, 1, MpiNative.Int, status.Source, Tag, MpiNative.CommWorld, MpiNative.StatusIgnore), "MPI_Recv");
                if (message == Leave)
                {
                    open--;
                    continue;
                }
                int item = NextIndex(status.Source);
                MpiNative.Check(MpiNative.Send(&item, 1, MpiNative.Int, status.Source, Tag, MpiNative.CommWorld), "MPI_Send");
                if (item == Empty) open--;
            }
        }
        catch (Exception e)
        {
            // The other ranks wait on this thread's answers: end the job rather than leave them waiting.
            Console.Error.WriteLine($"parsec: rank 0's work queue failed: {e.Message}; aborting every rank");
            _world!.Abort(1);
        }
    }
}
