using System.Runtime.InteropServices;

namespace Parsec.Cuda.Native;

/// <summary>
/// cuDNN 9 legacy API (still exported, marked deprecated): handle, version, tensor and filter descriptors.
/// Status is an int (cudnnStatus_t, 0 = success, cuDNN 9 numbering). Device pointers are 64-bit integers;
/// alpha/beta point to host floats for float data.
/// </summary>
internal static unsafe partial class Cudnn
{
    public const string Library = "cudnn";

    static Cudnn() => NativeLibraries.EnsureResolver();

    /// <summary>major * 10000 + minor * 100 + patch for cuDNN 9.</summary>
    [LibraryImport(Library)] public static partial nuint cudnnGetVersion();
    [LibraryImport(Library)] public static partial nint cudnnGetErrorString(int status);
    [LibraryImport(Library)] public static partial int cudnnCreate(nint* handle);
    [LibraryImport(Library)] public static partial int cudnnDestroy(nint handle);
    [LibraryImport(Library)] public static partial int cudnnSetStream(nint handle, nint streamId);

    [LibraryImport(Library)] public static partial int cudnnCreateTensorDescriptor(nint* tensorDesc);
    [LibraryImport(Library)] public static partial int cudnnDestroyTensorDescriptor(nint tensorDesc);
    [LibraryImport(Library)]
    public static partial int cudnnSetTensor4dDescriptor(nint tensorDesc, cudnnTensorFormat_t format, cudnnDataType_t dataType, int n, int c, int h, int w);

    [LibraryImport(Library)] public static partial int cudnnCreateFilterDescriptor(nint* filterDesc);
    [LibraryImport(Library)] public static partial int cudnnDestroyFilterDescriptor(nint filterDesc);
    /// <summary>Note the order: data type before format, the opposite of cudnnSetTensor4dDescriptor.</summary>
    [LibraryImport(Library)]
    public static partial int cudnnSetFilter4dDescriptor(nint filterDesc, cudnnDataType_t dataType, cudnnTensorFormat_t format, int k, int c, int h, int w);
}
