using System.ComponentModel;
using System.Diagnostics;

namespace Parsec.Search.Bench;

/// <summary>What an external program did: its exit code and what it printed (null exit code: it could not start or ran out of time).</summary>
internal sealed record ProgramOutcome(int? ExitCode, string Stdout, string Stderr, string? Failure)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>Runs an external program with a time limit, its output captured; failures are returned, not thrown.</summary>
internal static class ExternalProgram
{
    public static ProgramOutcome Run(string executable, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(executable) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(start);
            if (process is null) return new(null, "", "", $"could not start {executable}");
            // Both streams are drained concurrently so a chatty program cannot block on a full pipe.
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                return new(null, stdout.Result, stderr.Result, $"{executable} took longer than {timeout.TotalSeconds:0} s and was stopped");
            }
            process.WaitForExit();
            return new(process.ExitCode, stdout.Result, stderr.Result, null);
        }
        catch (Exception e) when (e is Win32Exception or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return new(null, "", "", $"could not run {executable}: {e.Message}");
        }
    }

    /// <summary>Every file called <paramref name="name"/> in the PATH folders, in PATH order.</summary>
    public static IEnumerable<string> FindOnPath(string name)
    {
        string? path = Environment.GetEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(path)) yield break;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string full = Path.Combine(dir, OperatingSystem.IsWindows() ? name + ".exe" : name);
            if (File.Exists(full)) yield return full;
        }
    }
}
