using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using AccessTokenGateway.Functions.Queue;
using AccessTokenGateway.Grants;
using AccessTokenGateway.JsonApi;

namespace AccessTokenGateway.Tests.Diagnostics;

/// <summary>
/// W3C trace context where a change or a revert arrives: a CloudEvent's <c>traceparent</c> extension is taken only when
/// valid (anything else is refused, as a bad envelope is); a revert message carries its trace sealed with the rest.
/// </summary>
public sealed class TraceContextTests
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    private const string Document = """{"data":{"type":"access_token","id":"312","attributes":{"name":"n","can_access_cda":true,"can_access_cda_preview":false,"can_access_cma":false},"relationships":{"role":{"data":{"type":"role","id":"34"}}}}}""";
    private const string Key = "unit-test-revert-key-0123456789abcdef";

    private static QueueChange Read(Action<JsonObject> change)
    {
        var cloudEvent = new JsonObject
        {
            ["specversion"] = "1.0", ["id"] = "evt-1", ["source"] = "/hr", ["type"] = "com.example.offboarded", ["data"] = JsonNode.Parse(Document),
        };
        change(cloudEvent);
        return QueueEnvelope.Read(Encoding.UTF8.GetBytes(cloudEvent.ToJsonString()));
    }

    [Fact]
    public void A_cloud_event_traceparent_and_tracestate_are_continued()
    {
        var change = Read(e => { e["traceparent"] = TraceParent; e["tracestate"] = "vendor=abc"; });

        Assert.Null(change.Invalid);
        Assert.Equal(ActivityTraceId.CreateFromString("0af7651916cd43dd8448eb211c80319c"), change.TraceParent!.Value.TraceId);
        Assert.Equal(ActivitySpanId.CreateFromString("b7ad6b7169203331"), change.TraceParent.Value.SpanId);
        Assert.Equal("vendor=abc", change.TraceParent.Value.TraceState);
        Assert.True(change.TraceParent.Value.IsRemote);
    }

    [Fact]
    public void A_cloud_event_without_trace_context_has_none()
    {
        Assert.Null(Read(_ => { }).TraceParent);
    }

    [Theory]
    [InlineData("traceparent", "\"not-a-trace\"")]
    [InlineData("traceparent", "\"00-00000000000000000000000000000000-b7ad6b7169203331-01\"")]
    [InlineData("traceparent", "\"00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01\"")]
    [InlineData("traceparent", "\"00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01\"")]
    [InlineData("traceparent", "\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra\"")]
    [InlineData("traceparent", "12")]
    [InlineData("tracestate", "\"vendor=abc\"")]
    public void A_cloud_event_with_bad_trace_context_is_refused_as_a_bad_envelope(string member, string value)
    {
        var change = Read(e => e[member] = JsonNode.Parse(value));

        Assert.NotNull(change.Invalid);
        Assert.Equal(ErrorCodes.InvalidEnvelope, change.Invalid.Code);
        Assert.Equal(member, change.Invalid.FieldName);
        Assert.Null(change.TraceParent);
    }

    [Fact]
    public void A_tracestate_beyond_its_bounds_is_refused()
    {
        var change = Read(e => { e["traceparent"] = TraceParent; e["tracestate"] = "k=" + new string('v', 600); });

        Assert.Equal("tracestate", change.Invalid?.FieldName);
    }

    private static readonly RevertMessage Revert = new("019ac6a8e41b7c3f9a1d2e0b5c8f7a61", "312", new DateTimeOffset(2026, 12, 1, 18, 0, 0, TimeSpan.Zero), new string('a', 32), 0);

    [Fact]
    public void A_revert_message_carries_the_trace_of_the_change_that_made_its_grant()
    {
        var traced = Revert with { TraceParent = TraceParent };

        var opened = RevertMessageSigner.Open(RevertMessageSigner.Seal(traced, Key), Key);

        Assert.Equal(TraceParent, opened?.TraceParent);
        Assert.Equal(TraceParent, opened!.Next().TraceParent);
    }

    [Fact]
    public void A_revert_message_sealed_without_a_trace_still_opens()
    {
        var opened = RevertMessageSigner.Open(RevertMessageSigner.Seal(Revert, Key), Key);

        Assert.Equal(Revert, opened);
        Assert.Null(opened!.TraceParent);
    }

    [Theory]
    [InlineData("\"00-1af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"")]   // another trace: the seal covers it
    [InlineData("\"not-a-trace\"")]
    [InlineData("7")]
    public void A_revert_message_whose_trace_was_altered_or_added_is_refused(string value)
    {
        var sealedWithTrace = JsonNode.Parse(RevertMessageSigner.Seal(Revert with { TraceParent = TraceParent }, Key))!;
        sealedWithTrace["traceparent"] = JsonNode.Parse(value);
        var sealedWithout = JsonNode.Parse(RevertMessageSigner.Seal(Revert, Key))!;
        sealedWithout["traceparent"] = TraceParent;

        Assert.Null(RevertMessageSigner.Open(Encoding.UTF8.GetBytes(sealedWithTrace.ToJsonString()), Key));
        Assert.Null(RevertMessageSigner.Open(Encoding.UTF8.GetBytes(sealedWithout.ToJsonString()), Key));
    }

    [Fact]
    public void A_revert_message_made_inside_a_trace_names_it()
    {
        using var activity = new Activity("change").SetIdFormat(ActivityIdFormat.W3C).Start();
        var grant = new Grant("312", "can_access_cma", "true", "false", DateTimeOffset.UnixEpoch, "019ac6a8e41b7c3f9a1d2e0b5c8f7a61", "alice", "bob", null, DateTimeOffset.UnixEpoch);

        Assert.Equal(activity.Id, RevertMessage.For(grant).TraceParent);
    }
}
