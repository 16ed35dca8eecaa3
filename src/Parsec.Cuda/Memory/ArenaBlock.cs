namespace Parsec.Cuda.Memory;

/// <summary>A block handed out by the <see cref="DeviceArena"/>: where it is, how big, and what it is for.</summary>
internal readonly record struct ArenaBlock(ulong Pointer, long Offset, long Bytes, long RoundedBytes, bool Persistent, int Category, long Step, int Sequence);
