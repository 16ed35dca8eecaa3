using System.Diagnostics;
using System.Globalization;

namespace Parsec.Search.RunFiles;

/// <summary>
/// One command per run folder. The lock is run.lock, opened with <see cref="FileShare.None"/> (an exclusive
/// flock on Linux and macOS, a share mode on Windows) and held for the command's lifetime; the operating system
/// drops it when the process ends, however it ends. The file holds the holder's PID and start time; because an
/// exclusively held file cannot be read by anyone else, the same line is also written to run.lock.owner, which
/// is what a refused process quotes. Finding run.lock with content but no holder means the last holder died
/// without releasing it: the lock is taken over and the takeover is logged. Taking the lock also removes the
/// temporary files that interrupted writes left (see <see cref="StaleTemporaryFiles"/>), which is only safe
/// while no other process can be writing them.
/// </summary>
internal sealed class RunLock : IDisposable
{
    public const string FileName = "run.lock";
    public const string OwnerFileName = "run.lock.owner";

    private readonly FileStream _stream;
    private readonly string _ownerPath;
    /// <summary>The folder's run.log, kept while the folder is held.</summary>
    private readonly IDisposable _transcript;

    private RunLock(FileStream stream, string ownerPath, IDisposable transcript)
    {
        _stream = stream;
        _ownerPath = ownerPath;
        _transcript = transcript;
    }

    public string Path => _stream.Name;

    /// <summary>Takes the lock of <paramref name="folder"/> (which must exist) or throws <see cref="RunFolderInUseException"/>; notes go to <paramref name="log"/> (default: standard error).</summary>
    public static RunLock Acquire(string folder, Action<string>? log = null)
    {
        log ??= Console.Error.WriteLine;
        string path = System.IO.Path.Combine(folder, FileName);
        string ownerPath = System.IO.Path.Combine(folder, OwnerFileName);
        FileStream stream;
        try { stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
        catch (IOException e) when (IsHeldElsewhere(e))
        {
            throw new RunFolderInUseException(folder, ReadOwner(ownerPath));
        }
        try
        {
            string previous = new StreamReader(stream, leaveOpen: true).ReadToEnd().Trim();
            if (previous.Length > 0)
                log($"{folder}: took over the lock left by {previous}, which is no longer running (it ended without releasing the folder)");
            string owner = CurrentOwner();
            stream.SetLength(0);
            stream.Position = 0;
            stream.Write(System.Text.Encoding.UTF8.GetBytes(owner + "\n"));
            stream.Flush(flushToDisk: true);
            AtomicFile.WriteAllText(ownerPath, owner + "\n");
            StaleTemporaryFiles.Remove(folder, log);
            return new RunLock(stream, ownerPath, RunTranscript.Attach(folder));
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Takes the lock and hands it to <paramref name="open"/>, which builds the object that will hold (and release)
    /// it; if <paramref name="open"/> throws, the lock is released at once.
    /// </summary>
    public static T AcquireFor<T>(string folder, Func<RunLock, T> open)
    {
        var runLock = Acquire(folder);
        try { return open(runLock); }
        catch
        {
            runLock.Dispose();
            throw;
        }
    }

    /// <summary>Removes the lock files (while still holding the lock, so no other process sees a half-released folder), then releases it.</summary>
    public void Dispose()
    {
        _transcript.Dispose();
        AtomicFile.TryDelete(_ownerPath);
        AtomicFile.TryDelete(_stream.Name);
        _stream.Dispose();
    }

    private static string CurrentOwner()
    {
        using var self = Process.GetCurrentProcess();
        string started = self.StartTime.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        return $"process {Environment.ProcessId} on {Environment.MachineName}, started {started}";
    }

    private static string ReadOwner(string ownerPath)
    {
        try { return File.Exists(ownerPath) ? File.ReadAllText(ownerPath).Trim() : "another process (it has not recorded its PID yet)"; }
        catch (IOException) { return "another process (its PID could not be read)"; }
    }

    /// <summary>A lock refusal rather than a disk or permission error: EWOULDBLOCK / EAGAIN on Unix, a sharing violation on Windows.</summary>
    private static bool IsHeldElsewhere(IOException e)
    {
        const int LinuxWouldBlock = 11, MacWouldBlock = 35, WindowsSharingViolation = 32, WindowsLockViolation = 33;
        int code = e.HResult & 0xFFFF;
        return e is not (FileNotFoundException or DirectoryNotFoundException)
               && code is LinuxWouldBlock or MacWouldBlock or WindowsSharingViolation or WindowsLockViolation;
    }
}

/// <summary>A run folder already taken by a living process; names the folder and the holder.</summary>
internal sealed class RunFolderInUseException(string folder, string holder)
    : IOException($"{folder} is in use by {holder}: one run folder takes one command at a time; wait for that command to finish or stop it (Ctrl+C or SIGTERM), or choose another folder")
{
    public string Folder { get; } = folder;
    public string Holder { get; } = holder;
}
