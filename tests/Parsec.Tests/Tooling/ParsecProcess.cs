using System.Diagnostics;
using System.Text;

namespace Parsec.Tests.Tooling;

/// <summary>
/// The built `parsec` command line (parsec.dll, copied next to the tests) run as a child process, for what only a
/// separate process shows: signals, a kill, two commands at once.
/// </summary>
internal sealed class ParsecProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ParsecProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    /// <summary>Standard output and error, with the console's line wrapping (at 80 columns when redirected) undone.</summary>
    public string Output
    {
        get { lock (_output) return System.Text.RegularExpressions.Regex.Replace(_output.ToString(), @"[ \t]*\r?\n", " "); }
    }

    public static ParsecProcess Start(params string[] args) => StartUnder([], args);

    /// <summary>
    /// parsec started by MPICH's launcher as <paramref name="ranks"/> processes (`mpirun -n N dotnet parsec.dll ...`).
    /// The tests that use it need Debian's mpich (.ci/run installs it); without it they fail saying so.
    /// </summary>
    public static ParsecProcess StartRanks(int ranks, params string[] args)
    {
        string? mpirun = new[] { "/usr/bin/mpirun", "/usr/local/bin/mpirun" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("mpirun not found: the MPI tests need MPICH (apt-get install mpich; .ci/run installs it)");
        return StartUnder([mpirun, "-n", ranks.ToString()], args);
    }

    private static ParsecProcess StartUnder(string[] launcher, string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "parsec.dll");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var info = new ProcessStartInfo(launcher.Length > 0 ? launcher[0] : dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in launcher.Skip(1)) info.ArgumentList.Add(a);
        if (launcher.Length > 0) info.ArgumentList.Add(dotnet);
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        return new ParsecProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start parsec"));
    }

    /// <summary>Waits until <paramref name="condition"/> holds (polled), failing the test after <paramref name="timeout"/> or if the process ends first.</summary>
    public void WaitUntil(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (_process.HasExited) throw new InvalidOperationException($"parsec exited ({_process.ExitCode}) before {what}:\n{Output}");
            if (clock.Elapsed > timeout) throw new TimeoutException($"parsec did not reach {what} within {timeout}:\n{Output}");
            Thread.Sleep(20);
        }
    }

    /// <summary>Sends a real signal (TERM, KILL, INT) with kill(1), as a scheduler or a person would.</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start("kill", [$"-{name}", Id.ToString()]) ?? throw new InvalidOperationException("could not run kill");
        kill.WaitForExit();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -{name} {Id} failed with {kill.ExitCode}");
    }

    /// <summary>Runs parsec with <paramref name="args"/>, sends <paramref name="signal"/> once <paramref name="condition"/> holds, and returns how it exited and what it printed.</summary>
    public static (int ExitCode, string Output) SignalWhen(string[] args, string signal, Func<bool> condition, string what, TimeSpan timeout)
    {
        using var child = Start(args);
        child.WaitUntil(condition, timeout, what);
        child.Signal(signal);
        int code = child.WaitForExit(timeout);
        return (code, child.Output);
    }

    /// <summary>
    /// Runs parsec with <paramref name="args"/>, kills it with SIGKILL once <paramref name="condition"/> holds, and
    /// leaves what a kill during a checkpoint write leaves in <paramref name="folder"/>: an empty temporary file
    /// under the writer's naming scheme. Returns that file's path.
    /// </summary>
    public static string KillWhen(string[] args, Func<bool> condition, string what, Func<string> folder, TimeSpan timeout)
    {
        SignalWhen(args, "KILL", condition, what, timeout);
        string partial = System.IO.Path.Combine(folder(), $".checkpoint.{Guid.NewGuid():N}.tmp.safetensors");
        File.WriteAllBytes(partial, []);
        return partial;
    }

    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"parsec ran past {timeout}:\n{Output}");
        }
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }
}
