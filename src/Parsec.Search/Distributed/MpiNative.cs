using System.Reflection;
using System.Runtime.InteropServices;
using Parsec.Cuda.Native;

namespace Parsec.Search.Distributed;

/// <summary>
/// The few MPI functions a distributed search needs, bound by their exact C names against the MPICH ABI, which MPICH,
/// Intel MPI, Cray MPICH and MVAPICH share: handles are C ints with fixed values (MPI_COMM_WORLD is 0x44000000, MPI_BYTE
/// 0x4c00010d). Every call returns MPI's error code, checked in one place (<see cref="Check"/>). The library is found by
/// the project's one native-library loader: libmpich.so.12, libmpi.so.12, or the file PARSEC_MPI_LIB names.
/// </summary>
internal static unsafe partial class MpiNative
{
    private const string Lib = "mpi";

    public const int CommWorld = 0x44000000;
    public const int Byte = 0x4c00010d;
    public const int Int = 0x4c000405;
    public const int Float = 0x4c00040a;
    public const int Sum = 0x58000003;
    public const int InfoNull = 0x1c000000;
    public const int CommTypeShared = 1;
    public const int AnySource = -2;
    public const int ThreadSerialized = 2, ThreadMultiple = 3;
    public const int Success = 0;

    /// <summary>MPI_Status in the MPICH ABI: two words of count, then the source, tag and error.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Status
    {
        public int CountLow, CountHighAndCancelled, Source, Tag, Error;
    }

    /// <summary>MPI_STATUS_IGNORE.</summary>
    public static Status* StatusIgnore => (Status*)1;

    public static readonly NativeLibrarySpec Library = new(
        Lib, "MPI (MPICH ABI)", ["libmpich.so.12", "libmpi.so.12", "libmpich.so", "libmpi.so"], "PARSEC_MPI_LIB",
        "install an MPICH-ABI MPI (Debian/Ubuntu: apt-get install mpich; clusters: module load mpich, intel-mpi or cray-mpich) or point PARSEC_MPI_LIB at libmpi.so.12 or its folder",
        []);

    static MpiNative()
    {
        NativeLibrary.SetDllImportResolver(typeof(MpiNative).Assembly,
            (name, _, _) => name == Lib ? NativeLibraries.Load(Library) : IntPtr.Zero);
    }

    /// <summary>Loads the library (once); false with the reason when it cannot be found.</summary>
    public static bool TryLoad(out string reason)
    {
        if (NativeLibraries.TryLoad(Library, out _, out var attempts)) { reason = ""; return true; }
        reason = string.Join("; ", attempts.Select(a => $"{a.Path}: {a.Reason}"));
        return false;
    }

    [LibraryImport(Lib, EntryPoint = "MPI_Init")] public static partial int Init(int* argc, byte*** argv);
    [LibraryImport(Lib, EntryPoint = "MPI_Init_thread")] public static partial int InitThread(int* argc, byte*** argv, int required, out int provided);
    [LibraryImport(Lib, EntryPoint = "MPI_Query_thread")] public static partial int QueryThread(out int provided);
    [LibraryImport(Lib, EntryPoint = "MPI_Initialized")] public static partial int Initialized(out int flag);
    [LibraryImport(Lib, EntryPoint = "MPI_Finalize")] public static partial int Finalize();
    [LibraryImport(Lib, EntryPoint = "MPI_Abort")] public static partial int Abort(int comm, int errorCode);
    [LibraryImport(Lib, EntryPoint = "MPI_Comm_rank")] public static partial int CommRank(int comm, out int rank);
    [LibraryImport(Lib, EntryPoint = "MPI_Comm_size")] public static partial int CommSize(int comm, out int size);
    [LibraryImport(Lib, EntryPoint = "MPI_Barrier")] public static partial int Barrier(int comm);
    [LibraryImport(Lib, EntryPoint = "MPI_Bcast")] public static partial int Bcast(void* buffer, int count, int datatype, int root, int comm);
    [LibraryImport(Lib, EntryPoint = "MPI_Allreduce")] public static partial int Allreduce(void* send, void* receive, int count, int datatype, int op, int comm);
    [LibraryImport(Lib, EntryPoint = "MPI_Allgather")]
    public static partial int Allgather(void* send, int sendCount, int sendType, void* receive, int receiveCount, int receiveType, int comm);
    [LibraryImport(Lib, EntryPoint = "MPI_Allgatherv")]
    public static partial int Allgatherv(void* send, int sendCount, int sendType, void* receive, int* receiveCounts, int* displacements, int receiveType, int comm);
    [LibraryImport(Lib, EntryPoint = "MPI_Send")] public static partial int Send(void* buffer, int count, int datatype, int destination, int tag, int comm);
    [LibraryImport(Lib, EntryPoint = "MPI_Recv")] public static partial int Recv(void* buffer, int count, int datatype, int source, int tag, int comm, Status* status);
    [LibraryImport(Lib, EntryPoint = "MPI_Iprobe")] public static partial int Iprobe(int source, int tag, int comm, out int flag, Status* status);
    [LibraryImport(Lib, EntryPoint = "MPI_Comm_split_type")] public static partial int CommSplitType(int comm, int splitType, int key, int info, out int newComm);
    [LibraryImport(Lib, EntryPoint = "MPI_Comm_free")] public static partial int CommFree(ref int comm);
    [LibraryImport(Lib, EntryPoint = "MPI_Win_allocate_shared")]
    public static partial int WinAllocateShared(nint size, int displacementUnit, int info, int comm, void* basePointer, out int window);
    [LibraryImport(Lib, EntryPoint = "MPI_Win_shared_query")]
    public static partial int WinSharedQuery(int window, int rank, out nint size, out int displacementUnit, void* basePointer);
    [LibraryImport(Lib, EntryPoint = "MPI_Win_free")] public static partial int WinFree(ref int window);
    [LibraryImport(Lib, EntryPoint = "MPI_Get_library_version")] public static partial int GetLibraryVersion(byte* version, out int length);

    /// <summary>Throws <see cref="MpiException"/> naming the call when MPI reports an error.</summary>
    public static void Check(int code, string call)
    {
        if (code != Success) throw new MpiException($"{call} failed with MPI error {code}");
    }
}

/// <summary>An MPI call failed.</summary>
internal sealed class MpiException(string message) : Exception(message);
