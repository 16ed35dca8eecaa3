namespace Parsec.Search.RunFiles;

/// <summary>
/// The exit status of every `parsec` command, one meaning each, so that a script or scheduler can tell a
/// finished run from one to resume and from one whose input or state needs a person. The README lists them.
/// </summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Done = 0;
    /// <summary>A runtime or I/O failure: a disk error, a run folder held by another process, an unusable GPU.</summary>
    public const int Failure = 1;
    /// <summary>Bad input: a flag, value, file or folder that the user gave is wrong; the message names it.</summary>
    public const int BadInput = 2;
    /// <summary>Stopped on request (--stop-after, Ctrl+C / SIGINT, SIGTERM) after a checkpoint: continue with --resume.</summary>
    public const int Stopped = 3;
    /// <summary>A NaN or infinity appeared; the last checkpoint (finite, checked before it was written) is kept.</summary>
    public const int NonFinite = 4;
}
