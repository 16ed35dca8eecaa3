namespace Parsec.Search.Distributed;

/// <summary>
/// The processes of one job launched by an MPI launcher (mpirun, mpiexec, Slurm's srun): this process's rank, their
/// number, and the collectives a distributed search uses. Without a launcher there is no world
/// (<see cref="Join"/> returns null), nothing is loaded, and everything runs in one process as before.
/// </summary>
public sealed unsafe class MpiWorld : IDisposable
{
    private bool _finalized;

    private MpiWorld(int rank, int size, string library, bool threads)
    {
        Rank = rank;
        Size = size;
        Library = library;
        ServesThreads = threads;
    }

    public int Rank { get; }
    public int Size { get; }
    public bool IsRoot => Rank == 0;
    /// <summary>MPI's own description of itself (MPI_Get_library_version).</summary>
    public string Library { get; }

    /// <summary>
    /// Whether MPI may be called from a thread other than the main one (MPI_THREAD_SERIALIZED or better), as the
    /// <see cref="WorkQueue"/>'s dispatcher on rank 0 does.
    /// </summary>
    public bool ServesThreads { get; }

    /// <summary>The ranks' shared ticket counters when they all run on this machine; null over several machines.</summary>
    internal NodeTickets? Tickets { get; private set; }

    /// <summary>Environment variables an MPI launcher sets on every process it starts (MPICH's hydra, PMIx, Open MPI, Slurm with PMI).</summary>
    private static readonly string[] LauncherVariables = ["PMI_SIZE", "PMI_RANK", "PMIX_RANK", "OMPI_COMM_WORLD_SIZE", "MPI_LOCALNRANKS"];

    /// <summary>This process's rank as its launcher announced it, before MPI is initialised (0 without a launcher).</summary>
    public static int LaunchedRank =>
        new[] { "PMI_RANK", "PMIX_RANK", "OMPI_COMM_WORLD_RANK", "SLURM_PROCID" }
            .Select(Environment.GetEnvironmentVariable).FirstOrDefault(v => v is not null) is { } text && int.TryParse(text, out int rank) ? rank : 0;

    /// <summary>Whether this process was started by an MPI launcher.</summary>
    public static bool Launched => LauncherVariables.Any(v => Environment.GetEnvironmentVariable(v) is not null);

    /// <summary>Initialises MPI when an MPI launcher started this process and returns the world; null otherwise (a single process).</summary>
    public static MpiWorld? Join()
    {
        if (!Launched) return null;
        if (!MpiNative.TryLoad(out string reason))
            throw new MpiException($"started by an MPI launcher, but the MPI library cannot be loaded: {reason}. {MpiNative.Library.InstallHint}");
        MpiNative.Check(MpiNative.Initialized(out int already), "MPI_Initialized");
        int provided;
        if (already == 0) MpiNative.Check(MpiNative.InitThread(null, null, MpiNative.ThreadMultiple, out provided), "MPI_Init_thread");
        else MpiNative.Check(MpiNative.QueryThread(out provided), "MPI_Query_thread");
        MpiNative.Check(MpiNative.CommRank(MpiNative.CommWorld, out int rank), "MPI_Comm_rank");
        MpiNative.Check(MpiNative.CommSize(MpiNative.CommWorld, out int size), "MPI_Comm_size");
        // A rank that is killed cannot say so, and the launcher reports the process id of what ended: this line maps it to the rank.
        Console.Error.WriteLine($"parsec: MPI rank {rank} of {size} is process {Environment.ProcessId} on {Environment.MachineName}");
        var world = new MpiWorld(rank, size, Version(), provided >= MpiNative.ThreadSerialized);
        world.Tickets = NodeTickets.Create(world);
        return world;
    }

    /// <summary>Whether MPI could run here, and why not: for `parsec info`.</summary>
    public static string Describe()
    {
        if (!MpiNative.TryLoad(out string reason)) return $"MPI: not usable (the library cannot be loaded: {reason})";
        return Launched ? "MPI: usable, and this process was started by an MPI launcher" : "MPI: usable (library found); run `mpirun -n N parsec search ...` to spread a search over N processes";
    }

    private static string Version()
    {
        var buffer = new byte[8192];
        fixed (byte* p = buffer)
        {
            MpiNative.Check(MpiNative.GetLibraryVersion(p, out int length), "MPI_Get_library_version");
            return System.Text.Encoding.ASCII.GetString(buffer, 0, Math.Max(0, length)).Split('\n')[0].Trim();
        }
    }

    /// <summary>Every rank's bytes, in rank order, on every rank (MPI_Allgather of the lengths, then MPI_Allgatherv).</summary>
    public byte[][] AllGather(byte[] mine)
    {
        var lengths = new int[Size];
        int length = mine.Length;
        fixed (int* lengthsPointer = lengths)
            MpiNative.Check(MpiNative.Allgather(&length, 1, MpiNative.Int, lengthsPointer, 1, MpiNative.Int, MpiNative.CommWorld), "MPI_Allgather");
        var displacements = new int[Size];
        long total = 0;
        for (int r = 0; r < Size; r++)
        {
            displacements[r] = checked((int)total);
            total += lengths[r];
        }
        var all = new byte[checked((int)total)];
        fixed (byte* send = mine)
        fixed (byte* receive = all)
        fixed (int* counts = lengths)
        fixed (int* offsets = displacements)
            MpiNative.Check(MpiNative.Allgatherv(send, mine.Length, MpiNative.Byte, receive, counts, offsets, MpiNative.Byte, MpiNative.CommWorld), "MPI_Allgatherv");
        return Enumerable.Range(0, Size).Select(r => all.AsSpan(displacements[r], lengths[r]).ToArray()).ToArray();
    }

    /// <summary>
    /// The element-wise sum of every rank's <paramref name="values"/>, on every rank (MPI_Allreduce with MPI_SUM): the
    /// order in which MPI adds the ranks' parts is its own, so the sum is not the bits of one process's.
    /// </summary>
    public float[] AllReduceSum(float[] values)
    {
        var sum = new float[values.Length];
        fixed (float* send = values)
        fixed (float* receive = sum)
            MpiNative.Check(MpiNative.Allreduce(send, receive, values.Length, MpiNative.Float, MpiNative.Sum, MpiNative.CommWorld), "MPI_Allreduce");
        return sum;
    }

    /// <summary>The root's bytes on every rank.</summary>
    public byte[] Broadcast(byte[]? rootBytes)
    {
        int length = IsRoot ? rootBytes!.Length : 0;
        MpiNative.Check(MpiNative.Bcast(&length, 1, MpiNative.Int, 0, MpiNative.CommWorld), "MPI_Bcast");
        var buffer = IsRoot ? rootBytes! : new byte[length];
        fixed (byte* p = buffer)
            MpiNative.Check(MpiNative.Bcast(p, length, MpiNative.Byte, 0, MpiNative.CommWorld), "MPI_Bcast");
        return buffer;
    }

    public string Broadcast(string? rootText) => System.Text.Encoding.UTF8.GetString(Broadcast(rootText is null ? null : System.Text.Encoding.UTF8.GetBytes(rootText)));

    public void Barrier() => MpiNative.Check(MpiNative.Barrier(MpiNative.CommWorld), "MPI_Barrier");

    /// <summary>Ends every rank of the job: what one rank does when it fails, so that the others do not wait for it forever.</summary>
    public void Abort(int code) => MpiNative.Abort(MpiNative.CommWorld, code);

    public void Dispose()
    {
        if (_finalized) return;
        _finalized = true;
        Tickets?.Dispose();
        MpiNative.Finalize();
    }
}
