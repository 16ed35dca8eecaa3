using Parsec.Search;
using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;
using Parsec.Search.Cli;
using Parsec.Search.Loop;
using Parsec.Search.RunFiles;
using Parsec.Search.Space;
using Parsec.Tests.Tooling;

namespace Parsec.Tests.Cli;

/// <summary>
/// Bad input ends with exit 2 and its own message; a fault below the input checks (the engine, the network code)
/// is a bug: exit 1, "internal error" with where it came from, and the whole trace on standard error.
/// </summary>
[NonParallelizable] // swaps the process-wide console
public class ErrorReportTests
{
    private static Exception Caught(Action action)
    {
        try { action(); }
        catch (Exception e) { return e; }
        throw new AssertionException("nothing was thrown");
    }

    [Test]
    public void AnArgumentTheEngineRefusesIsAnInternalError()
    {
        using var backend = new CpuBackend();
        // Four values for a 3x3 tensor: no user input gets here unchecked, so the engine's refusal is a bug upstream.
        var fault = Caught(() => Tensor.FromArray(backend, new float[4], [3, 3]).Dispose());
        Assert.That(fault, Is.InstanceOf<ArgumentException>(), "the engine refuses it as an argument, the type that used to mean bad input");

        using var console = new ConsoleCapture();
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        int code;
        try { code = ErrorReport.Print(fault, []); }
        finally { Console.SetError(previous); }

        Assert.That(code, Is.EqualTo(ExitCodes.Failure));
        Assert.That(ErrorReport.ExitCodeOf(fault), Is.EqualTo(ExitCodes.Failure));
        Assert.That(console.Text, Does.Contain("internal error:").And.Contain("ArgumentException in Parsec.Autodiff.").And.Contain("a bug in parsec"));
        Assert.That(error.ToString(), Does.Contain(fault.StackTrace!.Split('\n')[0].Trim()), "the trace is on standard error");
    }

    [Test]
    public void AnOptionTheSearchRefusesIsBadInput()
    {
        var refused = Caught(() => (new SearchOptions { Channels = 3 }).Validate());
        Assert.That(ErrorReport.ExitCodeOf(refused), Is.EqualTo(ExitCodes.BadInput));
        using var console = new ConsoleCapture();
        Assert.That(ErrorReport.Print(refused, []), Is.EqualTo(ExitCodes.BadInput));
        Assert.That(console.Text, Does.Contain("error: --channels must be even").And.Not.Contain("internal"));
    }

    [Test]
    public void AMissingFileTheUserNamedIsBadInput()
    {
        var missing = Caught(() => Genotype.Load(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "genotype.json")));
        Assert.That(missing, Is.TypeOf<BadInputException>());
        Assert.That(ErrorReport.ExitCodeOf(missing), Is.EqualTo(ExitCodes.BadInput));
    }

    /// <summary>
    /// Exit 2 is told by the type thrown where input is checked, never by the kind of exception: an argument or a
    /// format refused inside parsec's own code, outside the input checks, is a bug; a file the program itself expected
    /// and did not find is a failure of the machine (exit 1 both).
    /// </summary>
    [Test]
    public void OnlyTheInputChecksExceptionIsBadInput()
    {
        var refusedInside = Caught(() => Parsec.Search.Study.KendallTau.Compute([1.0, 2.0], [1.0]));
        Assert.That(refusedInside, Is.TypeOf<ArgumentException>());
        Assert.That(ErrorReport.ExitCodeOf(refusedInside), Is.EqualTo(ExitCodes.Failure));
        using (var console = new ConsoleCapture())
        {
            var error = new StringWriter();
            var previous = Console.Error;
            Console.SetError(error);
            try { ErrorReport.Print(refusedInside, []); }
            finally { Console.SetError(previous); }
            Assert.That(console.Text, Does.Contain("internal error:").And.Contain("ArgumentException in Parsec.Search.Study.KendallTau"));
        }
        Assert.That(ErrorReport.ExitCodeOf(new FormatException("a parse inside parsec")), Is.EqualTo(ExitCodes.Failure));
        Assert.That(ErrorReport.ExitCodeOf(new FileNotFoundException("a file parsec wrote itself")), Is.EqualTo(ExitCodes.Failure));
        Assert.That(ErrorReport.ExitCodeOf(new BadInputException("--flag: wrong")), Is.EqualTo(ExitCodes.BadInput));
    }
}
