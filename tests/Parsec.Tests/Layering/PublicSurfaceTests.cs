using System.Reflection;
using System.Runtime.CompilerServices;
using NUnit.Framework;

namespace Parsec.Tests.Layering;

/// <summary>
/// The public types are the API a library user calls (tensors, the tape, the backends, the search, training and export
/// entry points); native bindings, kernel launch records and backend plumbing are internal, open to the tests only.
/// </summary>
[TestFixture]
public class PublicSurfaceTests
{
    private static readonly Assembly[] Libraries =
    [
        typeof(Parsec.Cuda.CudaException).Assembly,
        typeof(Parsec.Autodiff.Tensor).Assembly,
        typeof(Parsec.Search.Cli.CliApp).Assembly,
    ];

    /// <summary>Types written in the source: a compiler-made type (closure, iterator, interop stub) is not a declaration.</summary>
    internal static IReadOnlyList<Type> Declared(Assembly assembly) =>
        assembly.GetTypes()
            .Where(t => !t.Name.Contains('<') && !t.Name.Contains("__") && t.GetCustomAttribute<CompilerGeneratedAttribute>() is null
                        && (t.Namespace ?? "").StartsWith("Parsec", StringComparison.Ordinal))
            .ToList();

    [Test]
    public void AtMostThirtyPercentOfTheDeclaredTypesArePublic()
    {
        var declared = Libraries.SelectMany(Declared).ToList();
        var visible = declared.Where(t => t.IsVisible).ToList();
        double share = (double)visible.Count / declared.Count;
        TestContext.Out.WriteLine($"{visible.Count} of {declared.Count} declared types are public ({share:P1}): "
            + string.Join(", ", Libraries.Select(a => $"{a.GetName().Name} {Declared(a).Count(t => t.IsVisible)} of {Declared(a).Count}")));
        Assert.That(share, Is.LessThanOrEqualTo(0.30), "public types:\n" + string.Join("\n", visible.Select(t => t.FullName).Order()));
    }

    /// <summary>
    /// The P/Invoke bindings of the CUDA libraries and MPI, and the C API's enums, are reached only through the types
    /// that own their handles (CudaDevice, CudaStream, the backends, MpiWorld).
    /// </summary>
    [Test]
    public void TheNativeBindingsAreInternal()
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        var declared = Libraries.SelectMany(Declared).ToList();
        var bindings = declared.Where(t => t.GetMethods(all).Any(m => m.Attributes.HasFlag(MethodAttributes.PinvokeImpl))
                                           || t.GetNestedTypes(BindingFlags.NonPublic).Any(n => n.GetMethods(all).Any(m => m.Attributes.HasFlag(MethodAttributes.PinvokeImpl)))).ToList();
        var cEnums = declared.Where(t => t.IsEnum && (t.Name.StartsWith("CU", StringComparison.Ordinal) || t.Name.StartsWith("cudnn", StringComparison.Ordinal)
                                                      || t.Name.StartsWith("cublas", StringComparison.Ordinal) || t.Name.StartsWith("nvrtc", StringComparison.Ordinal))).ToList();
        Assert.That(bindings.Select(t => t.Name), Does.Contain("Driver").And.Contain("Cudnn").And.Contain("Cublas").And.Contain("Nvrtc"),
            "the check no longer finds the bindings: update it");
        Assert.That(bindings.Concat(cEnums).Where(t => t.IsVisible).Select(t => t.FullName), Is.Empty);
    }
}
