using System.Reflection;
using NUnit.Framework;
using Parsec.Search.Cli;
using Parsec.Tests.Tooling;
using Spectre.Console.Cli;

namespace Parsec.Tests.Cli;

/// <summary>
/// Every option of every command, given 0, -1, NaN, inf, 1e9, 1e30 or no value: the command line is either accepted
/// or refused with exit 2 and a message naming the flag, before the command starts (a dry run, <see cref="CliApp.Check"/>).
/// Nothing crashes, nothing is refused in words that name no flag, and a number that is not finite never gets through.
/// </summary>
[NonParallelizable] // swaps the process-wide console
public class FlagWalkTests
{
    /// <summary>Arguments each command needs to be accepted as it stands, so that only the walked flag can make it fail.</summary>
    private static readonly Dictionary<string, string[]> Baseline = new()
    {
        ["cost"] = ["DARTS_V2"],
        ["derive"] = ["pi.json"],
        ["evaluate"] = ["weights.safetensors"],
        ["export"] = ["weights.safetensors", "--onnx", "model.onnx"],
        ["predict"] = ["model.onnx", "image.png"],
        ["download"] = ["cifar10"],
    };

    private static readonly string[] Values = ["0", "-1", "NaN", "inf", "1e9", "1e30"];

    private static IEnumerable<TestCaseData> Options() =>
        CommandRegistry.All.SelectMany(command => command.Settings.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Option: p.GetCustomAttribute<CommandOptionAttribute>()))
            .Where(x => x.Option is { ValueName: not null, LongNames.Count: > 0 })
            .Select(x => new TestCaseData(command.Name, "--" + x.Option!.LongNames[0], x.Property.PropertyType).SetName($"{command.Name} --{x.Option.LongNames[0]}")));

    [TestCaseSource(nameof(Options))]
    public void AFlagIsAcceptedOrRefusedByName(string command, string flag, Type type)
    {
        string[] baseline = [command, .. Baseline.GetValueOrDefault(command, [])];
        var (code, output) = CapturedCli.Check(baseline);
        Assert.That(code, Is.EqualTo(0), $"the baseline `{string.Join(" ", baseline)}` is refused: {output}");

        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        bool numeric = underlying == typeof(int) || underlying == typeof(long) || underlying == typeof(ulong) || underlying == typeof(double);
        foreach (string value in numeric ? Values : ["0"])
        {
            (code, output) = CapturedCli.Check([.. baseline, flag, value]);
            Assert.That(code, Is.EqualTo(0).Or.EqualTo(2), $"{command} {flag} {value}: exit {code}: {output}");
            if (code == 2) Assert.That(output, Does.Contain(flag), $"{command} {flag} {value} is refused without naming the flag: {output}");
            if (numeric && value is "NaN" or "inf") Assert.That(code, Is.EqualTo(2), $"{command} {flag} {value} was accepted");
        }
        (code, output) = CapturedCli.Check([.. baseline, flag]);
        Assert.That(code, Is.EqualTo(2), $"{command} {flag} without a value was accepted: {output}");
        Assert.That(output, Does.Contain(flag), $"{command} {flag} without a value is refused without naming the flag: {output}");
    }
}
