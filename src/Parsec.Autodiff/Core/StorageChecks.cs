namespace Parsec.Autodiff;

/// <summary>
/// The checks of the backend members that take storages directly rather than an argument record (copies, fill,
/// whole-buffer reductions), written once so that the CPU, CUDA and shape-only backends refuse the same calls with
/// the same words. Each backend first checks that a storage is its own; these check what the call asks of it.
/// </summary>
internal static class StorageChecks
{
    /// <summary>Copy: the two storages must hold the same type and length.</summary>
    public static void SameTypeAndLength(string op, Storage src, Storage dst)
    {
        if (src.DType != dst.DType || src.Length != dst.Length)
            throw new ArgumentException($"{op}: {src} and {dst} differ in type or length");
    }

    /// <summary>CopyIn / CopyOut: the storage holds exactly <paramref name="count"/> values of the host span's type.</summary>
    public static void Transfer(string op, Storage storage, long count, DType dtype)
    {
        if (storage.DType != dtype) throw new ArgumentException($"{op}: {storage} holds {storage.DType}, the call passes {dtype}");
        if (storage.Length != count) throw new ArgumentException($"{op}: the buffer must hold {count} elements, {storage} holds {storage.Length}");
    }

    /// <summary>CopyOutAll: every storage holds Float32 and together they hold exactly <paramref name="count"/> values; returns that total.</summary>
    public static long TotalLength(string op, IReadOnlyList<Storage> storages, long count)
    {
        long total = 0;
        foreach (var storage in storages)
        {
            if (storage.DType != DType.Float32) throw new ArgumentException($"{op}: {storage} holds {storage.DType}, the call passes Float32");
            total += storage.Length;
        }
        if (total != count) throw new ArgumentException($"{op}: the {storages.Count} buffers hold {total} elements, the destination {count}");
        return total;
    }

    /// <summary>Fill of an Int32 storage: the value must be a whole number in Int32's range.</summary>
    public static int Int32Fill(double value) =>
        value == Math.Floor(value) && value >= int.MinValue && value <= int.MaxValue ? (int)value
            : throw new ArgumentException($"Fill: {value} is not an Int32 value");

    /// <summary>Reductions of one buffer (SumOfSquares, AllFinite): floating-point storages only.</summary>
    public static void Floats(string op, Storage storage)
    {
        if (storage.DType == DType.Int32) throw new ArgumentException($"{op}: {storage} is Int32, this op needs Float32 or Float64");
    }
}
