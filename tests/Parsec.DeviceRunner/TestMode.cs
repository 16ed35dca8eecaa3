using NUnit.Framework.Api;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;
using Parsec.Tests.Cuda;

namespace Parsec.DeviceRunner;

/// <summary>
/// Runs the "Device" category of Parsec.Tests in-process with NUnit's own runner (no dotnet test on the GPU
/// machine), printing each result as it finishes, the failures in full, and one summary line
/// "N passed, N failed, N skipped".
/// </summary>
internal static class TestMode
{
    private const string DeviceFilter = "<filter><cat>Device</cat></filter>";

    /// <summary>Lists the Device tests without running them (needs no GPU: checks that discovery works in this build).</summary>
    public static int List()
    {
        var runner = new NUnitTestAssemblyRunner(new DefaultTestAssemblyBuilder());
        Load(runner, new Dictionary<string, object>());
        var filter = TestFilter.FromXml(DeviceFilter);
        var names = new List<string>();
        Collect(runner.ExploreTests(filter), filter, names);
        foreach (string n in names) Console.WriteLine(n);
        Console.WriteLine($"{names.Count} device tests");
        return names.Count > 0 ? 0 : 1;
    }

    /// <summary>
    /// Loads the test assembly by name: inside a single-file program assemblies have no file path, and NUnit names
    /// the assembly suite after the path when given an Assembly object (an empty name is rejected).
    /// </summary>
    private static void Load(NUnitTestAssemblyRunner runner, Dictionary<string, object> settings) =>
        runner.Load(typeof(DeviceTestBase).Assembly.GetName().Name!, settings);

    private static void Collect(ITest test, ITestFilter filter, List<string> into)
    {
        if (!test.IsSuite)
        {
            if (filter.Pass(test)) into.Add(test.FullName);
            return;
        }
        foreach (var t in test.Tests) Collect(t, filter, into);
    }

    /// <param name="args">Nothing (the Device category), or --where with an NUnit filter in XML (any tests, no device check).</param>
    public static int Run(string[] args)
    {
        string filterXml = DeviceFilter;
        if (args.Length == 2 && args[0] == "--where") filterXml = args[1];
        else if (args.Length != 0) throw new ArgumentException("test takes no arguments or --where <filter xml>");
        if (filterXml == DeviceFilter)
        {
            if (!InfoMode.TryOpen(out var probe, out string whyNot))
            {
                // The device tests would each fail with this reason; say it once and stop.
                Console.WriteLine("no CUDA device: " + whyNot);
                Console.WriteLine("0 passed, 0 failed, 0 skipped");
                return InfoMode.NoDevice;
            }
            probe!.Dispose();
        }

        var runner = new NUnitTestAssemblyRunner(new DefaultTestAssemblyBuilder());
        // One worker: the tests share one GPU and the CUDA context is per thread.
        var settings = new Dictionary<string, object> { ["NumberOfTestWorkers"] = 0 };
        Load(runner, settings);
        // NUnit redirects Console.Out into each test's captured output while it runs; keep the real one.
        var listener = new ConsoleListener(Console.Out);
        var result = runner.Run(listener, TestFilter.FromXml(filterXml));

        var failures = new List<ITestResult>();
        CollectFailures(result, failures);
        if (failures.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("FAILURES");
            foreach (var f in failures)
            {
                Console.WriteLine($"--- {f.FullName}");
                Console.WriteLine(f.Message);
                if (!string.IsNullOrWhiteSpace(f.StackTrace)) Console.WriteLine(f.StackTrace);
            }
        }
        int skipped = result.SkipCount + result.InconclusiveCount;
        Console.WriteLine();
        Console.WriteLine($"{result.PassCount} passed, {result.FailCount} failed, {skipped} skipped");
        return result.FailCount == 0 && result.PassCount > 0 ? 0 : 1;
    }

    private static void CollectFailures(ITestResult r, List<ITestResult> into)
    {
        if (!r.HasChildren)
        {
            if (r.ResultState.Status == TestStatus.Failed) into.Add(r);
            return;
        }
        // A fixture whose one-time setup failed reports the reason on the suite.
        if (r.ResultState.Status == TestStatus.Failed && r.ResultState.Site is FailureSite.SetUp or FailureSite.TearDown) into.Add(r);
        foreach (var c in r.Children) CollectFailures(c, into);
    }

    private sealed class ConsoleListener(TextWriter stdout) : ITestListener
    {
        public void TestStarted(ITest test) { }

        public void TestFinished(ITestResult result)
        {
            if (result.Test.IsSuite) return;
            string status = result.ResultState.Status switch
            {
                TestStatus.Passed => "PASS",
                TestStatus.Failed => "FAIL",
                TestStatus.Skipped => "SKIP",
                _ => result.ResultState.Status.ToString().ToUpperInvariant(),
            };
            stdout.WriteLine($"{status} {result.FullName} ({result.Duration * 1000:F0} ms)");
            if (!string.IsNullOrWhiteSpace(result.Output)) stdout.Write(Indent(result.Output));
            stdout.Flush();
        }

        public void TestOutput(TestOutput output) { }
        public void SendMessage(TestMessage message) { }

        private static string Indent(string text) => string.Concat(text.Split('\n').Where(l => l.Length > 0).Select(l => "    " + l + "\n"));
    }
}
