using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Parsec.Search.RunFiles;

/// <summary>
/// run.log: the console's text, without colour or cursor codes, in every run folder a command holds. The process's
/// standard output and error pass through <see cref="Install"/>'s writers unchanged; each complete line also goes to
/// the run.log of every folder whose <see cref="RunLock"/> is held (a study's and, inside it, the search's or the
/// training's it is running). Lines printed before the first folder is known (the dataset, the backend) are kept and
/// written when it is. A resumed run appends to its run.log under a header line. While a live progress bar redraws
/// the terminal, the transcript is <see cref="Pause"/>d and the bar's owner writes plain lines with <see cref="Line"/>
/// instead, so run.log reads as the same command's output in a log file would.
/// </summary>
internal static partial class RunTranscript
{
    private const string FileName = "run.log";
    /// <summary>Lines kept before any folder is held: enough for a command's preamble, bounded for one that never holds one.</summary>
    private const int PreambleLimit = 200;

    private static readonly object Gate = new();
    private static readonly List<(string Folder, StreamWriter File)> Open = [];
    private static readonly List<string> Preamble = [];
    /// <summary>The last folder released while no other is held: the command's summary after its run is written there.</summary>
    private static StreamWriter? _trailing;
    private static bool _installed;
    private static int _paused;

    /// <summary>Puts the transcript between the process and its standard output and error; once, at start.</summary>
    public static void Install()
    {
        lock (Gate)
        {
            if (_installed) return;
            _installed = true;
        }
        Console.SetOut(new LineTee(Console.Out));
        Console.SetError(new LineTee(Console.Error));
    }

    /// <summary>Starts (or continues) <paramref name="folder"/>'s run.log until the returned handle is disposed; nothing without <see cref="Install"/>.</summary>
    internal static IDisposable Attach(string folder)
    {
        lock (Gate)
        {
            if (!_installed) return NoTranscript.Instance;
            string path = Path.Combine(folder, FileName);
            bool resumed = File.Exists(path) && new FileInfo(path).Length > 0;
            var file = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false)) { AutoFlush = true };
            if (resumed) file.WriteLine();
            file.WriteLine($"--- {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC: parsec {string.Join(' ', Environment.GetCommandLineArgs().Skip(1))}");
            if (Open.Count == 0)
            {
                CloseTrailing();
                foreach (string line in Preamble) file.WriteLine(line);
                Preamble.Clear();
            }
            Open.Add((folder, file));
            return new Handle(folder);
        }
    }

    /// <summary>While the returned handle lives, console output is not transcribed (a live display redrawing lines).</summary>
    public static IDisposable Pause()
    {
        Interlocked.Increment(ref _paused);
        return new Resume();
    }

    /// <summary>A line for run.log alone, such as a progress line standing in for a live bar.</summary>
    public static void Line(string text) => Record(text, force: true);

    private static void Record(string line, bool force)
    {
        if (!force && Volatile.Read(ref _paused) > 0) return;
        string plain = Plain(line);
        lock (Gate)
        {
            if (Open.Count == 0 && _trailing is null)
            {
                if (Preamble.Count < PreambleLimit) Preamble.Add(plain);
                return;
            }
            foreach (var file in Open.Count > 0 ? Open.Select(o => o.File) : [_trailing!])
            {
                try { file.WriteLine(plain); }
                catch (IOException) { } // a full disk loses the transcript, never the run
            }
        }
    }

    /// <summary>The text a reader of the terminal saw on this line: colour and cursor codes removed, a carriage return's overwrite applied.</summary>
    internal static string Plain(string line)
    {
        string text = EscapeSequence().Replace(line, "");
        int overwrite = text.TrimEnd('\r').LastIndexOf('\r');
        return (overwrite >= 0 ? text[(overwrite + 1)..] : text).TrimEnd('\r');
    }

    // CSI (ESC [ ... final byte), OSC (ESC ] ... BEL or ESC \) and two-byte escapes.
    [GeneratedRegex(@"\x1B\[[0-?]*[ -/]*[@-~]|\x1B\][^\x07\x1B]*(\x07|\x1B\\)|\x1B[@-Z\\-_]")]
    private static partial Regex EscapeSequence();

    private sealed class Handle(string folder) : IDisposable
    {
        private bool _closed;

        public void Dispose()
        {
            lock (Gate)
            {
                if (_closed) return;
                _closed = true;
                int at = Open.FindLastIndex(o => o.Folder == folder);
                if (at < 0) return;
                var file = Open[at].File;
                Open.RemoveAt(at);
                // The outermost folder keeps the lines the command prints after its run (the summary) until the process
                // ends or holds another folder; a folder inside another (a study's search) ends here.
                if (Open.Count == 0) _trailing = file;
                else Close(file);
            }
        }
    }

    private static void CloseTrailing()
    {
        if (_trailing is null) return;
        Close(_trailing);
        _trailing = null;
    }

    private static void Close(StreamWriter file)
    {
        try { file.Dispose(); }
        catch (IOException) { }
    }

    private sealed class Resume : IDisposable
    {
        private int _done;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) Interlocked.Decrement(ref _paused);
        }
    }

    private sealed class NoTranscript : IDisposable
    {
        public static readonly NoTranscript Instance = new();
        public void Dispose() { }
    }

    /// <summary>Passes everything to the console and each completed line to the transcript.</summary>
    private sealed class LineTee(TextWriter console) : TextWriter
    {
        private readonly StringBuilder _line = new();

        public override Encoding Encoding => console.Encoding;
        public override IFormatProvider FormatProvider => console.FormatProvider;
        [System.Diagnostics.CodeAnalysis.AllowNull]
        public override string NewLine { get => console.NewLine; set => console.NewLine = value; }

        public override void Write(char value)
        {
            console.Write(value);
            Take(value);
        }

        public override void Write(string? value)
        {
            console.Write(value);
            if (value is null) return;
            foreach (char c in value) Take(c);
        }

        public override void Write(char[] buffer, int index, int count)
        {
            console.Write(buffer, index, count);
            for (int i = index; i < index + count; i++) Take(buffer[i]);
        }

        public override void WriteLine(string? value)
        {
            Write(value);
            Write(console.NewLine);
        }

        public override void Flush() => console.Flush();

        private void Take(char c)
        {
            lock (_line)
            {
                if (c != '\n')
                {
                    _line.Append(c);
                    return;
                }
                string line = _line.ToString();
                _line.Clear();
                Record(line, force: false);
            }
        }
    }
}
