using System.Diagnostics;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Reports;

/// <summary>What became of a request to draw a DOT file.</summary>
internal sealed record GraphvizOutcome(bool Rendered, string Message);

/// <summary>
/// Renders DOT files to PNG with Graphviz's <c>dot</c> program when the machine has it. Graphviz is an optional
/// extra of the report: its absence or failure is reported in the outcome and never thrown, since the DOT text
/// (already written) is the actual result and can be drawn elsewhere.
/// </summary>
internal sealed class GraphvizRenderer
{
    private readonly string? _dot;
    private readonly TimeSpan _timeout;

    /// <param name="dotExecutable">Path of <c>dot</c>; null looks for it on PATH.</param>
    public GraphvizRenderer(string? dotExecutable = null, TimeSpan? timeout = null)
    {
        _dot = dotExecutable is null ? FindOnPath("dot") : File.Exists(dotExecutable) ? dotExecutable : null;
        Requested = dotExecutable ?? "dot";
        _timeout = timeout ?? TimeSpan.FromSeconds(60);
    }

    /// <summary>The executable found, or null when Graphviz is not available.</summary>
    public string? Executable => _dot;

    private string Requested { get; }

    public GraphvizOutcome RenderPng(string dotFile, string pngFile)
    {
        if (_dot is null)
            return new(false, $"Graphviz '{Requested}' not found; {Path.GetFileName(dotFile)} was written but not drawn (install graphviz, then run: dot -Tpng {dotFile} -o {pngFile})");

        string temp = AtomicFile.TempPathFor(pngFile);
        try
        {
            var start = new ProcessStartInfo(_dot)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add("-Tpng");
            start.ArgumentList.Add(dotFile);
            start.ArgumentList.Add("-o");
            start.ArgumentList.Add(temp);

            using var process = Process.Start(start);
            if (process is null) return new(false, $"could not start {_dot}");
            // Both streams are drained concurrently so a chatty dot cannot block on a full pipe.
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(_timeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                return new(false, $"{_dot} took longer than {_timeout.TotalSeconds:0} s on {dotFile} and was stopped");
            }
            process.WaitForExit();
            string errors = stderr.Result.Trim();
            _ = stdout.Result;
            if (process.ExitCode != 0 || !File.Exists(temp))
                return new(false, $"{_dot} failed on {dotFile} (exit code {process.ExitCode}): {errors}");
            AtomicFile.Commit(temp, pngFile);
            return new(true, $"drew {Path.GetFileName(pngFile)} with {_dot}");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return new(false, $"could not run {_dot} on {dotFile}: {e.Message}");
        }
        finally
        {
            AtomicFile.TryDelete(temp);
        }
    }

    private static string? FindOnPath(string name)
    {
        string? path = Environment.GetEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(path)) return null;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var candidate in OperatingSystem.IsWindows() ? new[] { name + ".exe" } : [name])
            {
                string full = Path.Combine(dir, candidate);
                if (File.Exists(full)) return full;
            }
        }
        return null;
    }
}
