using System.Runtime.InteropServices;

namespace Parsec.Autodiff.Cuda;

/// <summary>
/// Mirror of <c>struct TensorSlots</c> in kernels/multi_tensor.cu, passed by value as a kernel argument: up to
/// <see cref="Capacity"/> storages per launch. 648 bytes, well under the 4 KiB a kernel's arguments may take.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct TensorSlots
{
    public const int Capacity = 32;
    /// <summary>The most blocks one storage gets: 32 x 32 blocks per launch fit the reduction scratch's 1024 partial sums.</summary>
    public const int MaxBlocksPerSlot = 32;
    /// <summary>Elements per block before a storage gets another block (up to <see cref="MaxBlocksPerSlot"/>).</summary>
    public const long ElementsPerBlock = 4096;

    public fixed ulong Data[Capacity];
    public fixed long Length[Capacity];
    public fixed int BlockStart[Capacity + 1];
    public int Count;

    /// <summary>
    /// Packs <paramref name="pointers"/> (device addresses, with their lengths) into launches of at most
    /// <see cref="Capacity"/> storages, in order; empty storages are left out. Returns each launch's table and block count.
    /// </summary>
    public static List<(TensorSlots Slots, int Blocks)> Pack(IReadOnlyList<(ulong Pointer, long Length)> pointers)
    {
        var launches = new List<(TensorSlots, int)>();
        var slots = new TensorSlots();
        int blocks = 0;
        foreach (var (pointer, length) in pointers)
        {
            if (length == 0) continue;
            if (slots.Count == Capacity)
            {
                launches.Add((slots, blocks));
                (slots, blocks) = (new TensorSlots(), 0);
            }
            int s = slots.Count++;
            slots.Data[s] = pointer;
            slots.Length[s] = length;
            slots.BlockStart[s] = blocks;
            blocks += (int)Math.Clamp((length + ElementsPerBlock - 1) / ElementsPerBlock, 1, MaxBlocksPerSlot);
            slots.BlockStart[s + 1] = blocks;
        }
        if (slots.Count > 0) launches.Add((slots, blocks));
        return launches;
    }
}
