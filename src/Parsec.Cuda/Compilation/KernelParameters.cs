using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Parsec.Cuda.Compilation;

/// <summary>One kernel parameter of a launch declaration: its name, C# type and byte offset in the record.</summary>
internal readonly record struct KernelParameter(string Name, Type Type, int Offset);

/// <summary>
/// The parameters of a launch declaration (<see cref="IKernelArguments"/>), read once from its primary
/// constructor. The offsets locate each value inside the record, so a launch passes the driver one address per
/// parameter without copying the values anywhere else.
/// </summary>
internal static class KernelParameters
{
    /// <summary>What reflection reads of a declaration (kept by the trimmer).</summary>
    public const DynamicallyAccessedMemberTypes Members = DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.NonPublicFields;

    public static IReadOnlyList<KernelParameter> Of([DynamicallyAccessedMembers(Members)] Type declaration)
    {
        if (!declaration.IsValueType || !typeof(IKernelArguments).IsAssignableFrom(declaration))
            throw new ArgumentException($"{declaration.Name} is not a struct implementing {nameof(IKernelArguments)}", nameof(declaration));
        // The driver reads native memory; a record whose managed layout differs would hand it the wrong bytes.
        if (RuntimeHelpers.SizeOf(declaration.TypeHandle) != Marshal.SizeOf(declaration))
            throw new ArgumentException($"{declaration.Name} does not have one layout in managed and native memory", nameof(declaration));
        var constructor = declaration.GetConstructors().MaxBy(c => c.GetParameters().Length)
            ?? throw new ArgumentException($"{declaration.Name} has no constructor listing its kernel parameters", nameof(declaration));
        var parameters = new List<KernelParameter>();
        int previousOffset = -1;
        foreach (var p in constructor.GetParameters())
        {
            var field = declaration.GetField($"<{p.Name}>k__BackingField", BindingFlags.Instance | BindingFlags.NonPublic)
                ?? throw new ArgumentException($"{declaration.Name}.{p.Name} is not a positional record parameter");
            int offset = (int)Marshal.OffsetOf(declaration, field.Name);
            // Sequential layout keeps declaration order; anything else would mean the record is not the declaration.
            if (offset <= previousOffset)
                throw new ArgumentException($"{declaration.Name}.{p.Name} is laid out before the parameter declared ahead of it");
            previousOffset = offset;
            parameters.Add(new KernelParameter(p.Name!, p.ParameterType, offset));
        }
        return parameters;
    }

    /// <summary>
    /// The driver's argument block: <paramref name="block"/>[i] = the address of parameter i inside
    /// <paramref name="arguments"/>, which must stay where it is until the launch call returns.
    /// </summary>
    public static unsafe void WriteAddresses<[DynamicallyAccessedMembers(Members)] T>(T* arguments, Span<nint> block)
        where T : unmanaged, IKernelArguments
    {
        int[] offsets = KernelParameterOffsets<T>.Offsets;
        if (block.Length != offsets.Length)
            throw new ArgumentException($"{typeof(T).Name} has {offsets.Length} parameters, the block {block.Length} slots", nameof(block));
        for (int i = 0; i < offsets.Length; i++) block[i] = (nint)((byte*)arguments + offsets[i]);
    }

    /// <summary>How many parameters <typeparamref name="T"/> declares.</summary>
    public static int Count<[DynamicallyAccessedMembers(Members)] T>() where T : unmanaged, IKernelArguments => KernelParameterOffsets<T>.Offsets.Length;
}

/// <summary>The offsets of <typeparamref name="T"/>'s parameters, computed once per declaration.</summary>
internal static class KernelParameterOffsets<[DynamicallyAccessedMembers(KernelParameters.Members)] T> where T : unmanaged, IKernelArguments
{
    public static readonly int[] Offsets = Compute();

    private static int[] Compute() => KernelParameters.Of(typeof(T)).Select(p => p.Offset).ToArray();
}
