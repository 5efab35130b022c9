using System.Text.RegularExpressions;
using AccessTokenGateway.Tests.Support;

namespace AccessTokenGateway.Tests.Audit;

/// <summary>
/// No message the gateway writes may expire: every send in its source, on any queue, passes
/// <c>QueueTimeToLive.Never</c>. A new writer that forgets it (and so falls back to the queue's 7 days) fails here;
/// the integration test <c>Every_message_the_gateway_writes_on_every_queue_never_expires</c> checks the messages themselves.
/// </summary>
public sealed partial class QueueTimeToLiveTests
{
    [Fact]
    public void Every_queue_send_in_the_gateways_source_sets_no_expiry()
    {
        var sends = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .SelectMany(f => Send().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), Call: m.Value)))
            .ToList();

        Assert.Equal(["QueueAuditSink.cs", "QueueRevertQueue.cs"], sends.Select(s => s.File).Order());
        Assert.All(sends, s => Assert.Contains("QueueTimeToLive.Never", s.Call));
        Assert.Equal(-1, AccessTokenGateway.Storage.QueueTimeToLive.Never.TotalSeconds);
    }

    // A send call up to the end of its statement.
    [GeneratedRegex(@"\.SendMessage(Async)?\([^;]*;")]
    private static partial Regex Send();
}
