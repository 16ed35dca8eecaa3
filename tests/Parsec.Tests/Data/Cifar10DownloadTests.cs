using Parsec.Search;
using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using NUnit.Framework;
using Parsec.Search.Data.Files;

namespace Parsec.Tests.Data;

/// <summary>The download path against local sources only: a local HTTP server, a closed port, a hand-made archive.</summary>
[TestFixture]
public class Cifar10DownloadTests
{
    /// <summary>A tar.gz with cifar-10-batches-bin/ holding tiny CIFAR-10 files, as the official archive is laid out.</summary>
    private static byte[] TinyArchive(TempFolder temp)
    {
        string source = temp.Folder("source");
        DatasetFiles.WriteCifar10(Path.Combine(source, "cifar-10-batches-bin"), perBatch: 1, test: 2);
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            TarFile.CreateFromDirectory(source, gzip, includeBaseDirectory: false);
        return buffer.ToArray();
    }

    private static string Md5(byte[] bytes) => Convert.ToHexStringLower(MD5.HashData(bytes));

    [Test]
    public async Task AnArchivePlacedByHandIsVerifiedExtractedAndLoadable()
    {
        using var temp = new TempFolder();
        var archive = TinyArchive(temp);
        string target = temp.Folder("data");
        File.WriteAllBytes(Path.Combine(target, Cifar10Download.ArchiveName), archive);

        // The URL is never contacted: the archive is already there.
        string folder = await Cifar10Download.InstallAsync(target, "http://127.0.0.1:9/unused", Md5(archive), null, CancellationToken.None);

        Assert.That(folder, Is.EqualTo(Path.Combine(target, "cifar-10-batches-bin")));
        Assert.That(CifarDatasets.LoadCifar10(target).Train.Count, Is.EqualTo(5));
    }

    [Test]
    public void AChecksumMismatchIsRefusedBeforeExtraction()
    {
        using var temp = new TempFolder();
        string target = temp.Folder("data");
        File.WriteAllBytes(Path.Combine(target, Cifar10Download.ArchiveName), TinyArchive(temp));
        var e = Assert.ThrowsAsync<BadInputException>(() =>
            Cifar10Download.InstallAsync(target, "http://127.0.0.1:9/unused", Cifar10Download.OfficialMd5, null, CancellationToken.None))!;
        Assert.That(e.Message, Does.Contain("MD5").And.Contain(Cifar10Download.OfficialMd5));
        Assert.That(Directory.Exists(Path.Combine(target, "cifar-10-batches-bin")), Is.False);
    }

    [Test]
    public void OfflineFailsWithAClearMessage()
    {
        using var temp = new TempFolder();
        // Port of a listener that was closed again: the connection is refused at once.
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var e = Assert.ThrowsAsync<IOException>(() =>
            Cifar10Download.InstallAsync(temp.Path, $"http://127.0.0.1:{port}/cifar-10-binary.tar.gz", "00", null, CancellationToken.None))!;
        Assert.That(e.Message, Does.Contain("could not download").And.Contain("offline").And.Contain(Cifar10Download.ArchiveName));
    }

    [Test]
    public async Task AnInterruptedDownloadResumesWithARangeRequest()
    {
        using var temp = new TempFolder();
        var archive = TinyArchive(temp);
        string target = temp.Folder("data");
        string archivePath = Path.Combine(target, Cifar10Download.ArchiveName);
        int half = archive.Length / 2;
        File.WriteAllBytes(archivePath + ".part", archive[..half]);

        using var server = new TinyRangeServer(archive);
        var progress = new List<long>();
        await Cifar10Download.DownloadAsync(server.Url, archivePath, Md5(archive), new SyncProgress(p => progress.Add(p.Bytes)), CancellationToken.None);

        Assert.That(server.Ranges, Is.EqualTo(new[] { $"bytes={half}-" }));
        Assert.That(File.ReadAllBytes(archivePath), Is.EqualTo(archive));
        Assert.That(File.Exists(archivePath + ".part"), Is.False);
        Assert.That(progress[^1], Is.EqualTo(archive.Length));
    }

    private sealed class SyncProgress(Action<Cifar10Download.Progress> report) : IProgress<Cifar10Download.Progress>
    {
        public void Report(Cifar10Download.Progress value) => report(value);
    }

    /// <summary>Serves one byte array over HTTP on the loopback interface, honouring "Range: bytes=N-".</summary>
    private sealed class TinyRangeServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly byte[] _content;
        private readonly Task _loop;

        public TinyRangeServer(byte[] content)
        {
            _content = content;
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = $"http://127.0.0.1:{port}/cifar-10-binary.tar.gz";
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            _listener.Start();
            _loop = Task.Run(Serve);
        }

        public string Url { get; }
        public List<string> Ranges { get; } = [];

        private async Task Serve()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception) { return; }
                string? range = context.Request.Headers["Range"];
                int start = 0;
                if (range is not null)
                {
                    Ranges.Add(range);
                    start = int.Parse(range["bytes=".Length..].TrimEnd('-'));
                    context.Response.StatusCode = 206;
                    context.Response.AddHeader("Content-Range", $"bytes {start}-{_content.Length - 1}/{_content.Length}");
                }
                context.Response.ContentLength64 = _content.Length - start;
                await context.Response.OutputStream.WriteAsync(_content.AsMemory(start));
                context.Response.Close();
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
    }
}
