namespace Parsec.Tests.Tooling;

/// <summary>
/// A shell script that stands in for a python3 with PyTorch: it answers bench's torch probe and prints the
/// reference script's result line at once, so a test of bench's output needs no PyTorch and waits for none.
/// </summary>
internal static class StandInPython
{
    public static string Write(string path, double medianMs, double minMs, string before = "")
    {
        File.WriteAllText(path, $$"""
            #!/bin/sh
            if [ "$1" = "-c" ]; then echo 9.9.9; exit 0; fi
            {{before}}
            echo '{"median_ms": {{medianMs:0.0}}, "min_ms": {{minMs:0.0}}, "torch": "9.9.9", "threads": 2, "device": "cpu", "parameters": 394210}'
            """);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
