using System.Text;
using System.Text.Json.Nodes;
using AccessTokenGateway.Changes;
using AccessTokenGateway.Functions.Queue;
using AccessTokenGateway.JsonApi;
using Azure.Storage.Queues.Models;

namespace AccessTokenGateway.Tests.Queue;

/// <summary>The change queue's envelopes, read as an attacker would write them: exactly one event, or refused.</summary>
public sealed class QueueEnvelopeTests
{
    private const string Document = """{"data":{"type":"access_token","id":"312","attributes":{"name":"n","can_access_cda":true,"can_access_cda_preview":false,"can_access_cma":false},"relationships":{"role":{"data":{"type":"role","id":"34"}}}}}""";

    private static JsonObject CloudEvent(Action<JsonObject>? change = null)
    {
        var cloudEvent = new JsonObject
        {
            ["specversion"] = "1.0", ["id"] = "evt-1", ["source"] = "/hr", ["type"] = "com.example.offboarded",
            ["datacontenttype"] = "application/json", ["data"] = JsonNode.Parse(Document),
        };
        change?.Invoke(cloudEvent);
        return cloudEvent;
    }

    private static JsonObject EventGridEvent(Action<JsonObject>? change = null)
    {
        var gridEvent = new JsonObject
        {
            ["id"] = "eg-1", ["topic"] = "/subscriptions/x", ["subject"] = "tokens/312", ["eventType"] = "Example.Offboarded",
            ["eventTime"] = "2026-12-01T00:00:00Z", ["data"] = JsonNode.Parse(Document), ["dataVersion"] = "1", ["metadataVersion"] = "1",
        };
        change?.Invoke(gridEvent);
        return gridEvent;
    }

    private static QueueChange Read(JsonNode message) => QueueEnvelope.Read(Encoding.UTF8.GetBytes(message.ToJsonString()));

    [Fact]
    public void A_bare_document_is_taken_as_it_is()
    {
        var change = QueueEnvelope.Read(Encoding.UTF8.GetBytes(Document));

        Assert.Equal((QueueEnvelope.None, "312", (object?)null), (change.Envelope, change.TokenId, (object?)change.Invalid));
        Assert.Equal(Document, Encoding.UTF8.GetString(change.Document.Span));
    }

    [Fact]
    public void A_CloudEvent_gives_its_data_and_id()
    {
        var change = Read(CloudEvent());

        Assert.Null(change.Invalid);
        Assert.Equal((QueueEnvelope.CloudEvents, "312", "evt-1"), (change.Envelope, change.TokenId, change.EventId));
        Assert.Equal(JsonNode.Parse(Document)!.ToJsonString(), JsonNode.Parse(change.Document.Span)!.ToJsonString());
    }

    [Fact]
    public void A_CloudEvent_may_carry_its_data_base64_encoded()
    {
        var change = Read(CloudEvent(e => { e.Remove("data"); e["data_base64"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(Document)); }));

        Assert.Null(change.Invalid);
        Assert.Equal(("312", Document), (change.TokenId, Encoding.UTF8.GetString(change.Document.Span)));
    }

    [Fact]
    public void A_CloudEvent_with_scalar_extension_attributes_is_taken()
    {
        var change = Read(CloudEvent(e => { e["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"; e["priority"] = 3; e["urgent"] = true; }));

        Assert.Null(change.Invalid);
    }

    public static TheoryData<string, string, Action<JsonObject>> ForgedCloudEvents => new()
    {
        // data and data_base64 are mutually exclusive in CloudEvents' JSON format: which one would be meant?
        { "both data and data_base64", "data", e => e["data_base64"] = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"data":{}}""")) },
        { "neither data nor data_base64", "data", e => e.Remove("data") },
        { "specversion 0.3", "specversion", e => e["specversion"] = "0.3" },
        { "specversion a number", "specversion", e => e["specversion"] = 1.0 },
        { "an object-valued extension", "myext", e => e["myext"] = new JsonObject { ["nested"] = true } },
        { "an array-valued extension", "myext", e => e["myext"] = new JsonArray(1) },
        { "a null extension", "myext", e => e["myext"] = null },
        { "an extension name in capitals", "MyExt", e => e["MyExt"] = "x" },
        { "an extension name too long", "abcdefghijklmnopqrstu", e => e["abcdefghijklmnopqrstu"] = "x" },
        { "no id", "id", e => e.Remove("id") },
        { "an empty source", "source", e => e["source"] = "" },
        { "a type that is not a string", "type", e => e["type"] = 7 },
        { "a subject that is not a string", "subject", e => e["subject"] = 7 },
        { "data_base64 that is not base64", "data_base64", e => { e.Remove("data"); e["data_base64"] = "not base64!"; } },
    };

    [Theory]
    [MemberData(nameof(ForgedCloudEvents))]
    public void A_message_that_is_not_exactly_one_CloudEvents_1_0_event_is_refused(string why, string field, Action<JsonObject> forge)
    {
        var change = Read(CloudEvent(forge));

        Assert.True(change.Invalid is not null, why);
        Assert.Equal((ErrorCodes.InvalidEnvelope, field), (change.Invalid!.Code, change.Invalid.FieldName));
        Assert.True(change.Document.IsEmpty, "nothing of a refused envelope goes on to validation");
    }

    public static TheoryData<string, string, Action<JsonObject>> ForgedEventGridEvents => new()
    {
        { "no data", "data", e => e.Remove("data") },
        { "no subject", "subject", e => e.Remove("subject") },
        { "an eventTime that is not a string", "eventTime", e => e["eventTime"] = 5 },
        { "a member Event Grid does not send", "specversionx", e => e["specversionx"] = "1.0" },
    };

    [Theory]
    [MemberData(nameof(ForgedEventGridEvents))]
    public void A_message_that_is_not_exactly_one_Event_Grid_event_is_refused(string why, string field, Action<JsonObject> forge)
    {
        var change = Read(EventGridEvent(forge));

        Assert.True(change.Invalid is not null, why);
        Assert.Equal((ErrorCodes.InvalidEnvelope, field), (change.Invalid!.Code, change.Invalid.FieldName));
    }

    [Fact]
    public void An_Event_Grid_event_gives_its_data_and_id()
    {
        var change = Read(EventGridEvent());

        Assert.Null(change.Invalid);
        Assert.Equal((QueueEnvelope.EventGrid, "312", "eg-1"), (change.Envelope, change.TokenId, change.EventId));
    }

    [Theory]
    [InlineData("com.datocms.access-token-gateway.grant-expired")] // the type the gateway's reverts once used here
    [InlineData("com.example.anything")]
    public void Whatever_type_a_CloudEvent_claims_its_change_is_an_event_never_the_gateways_schedule(string type)
    {
        var message = QueuesModelFactory.QueueMessage("m-3", "pop", BinaryData.FromString(CloudEvent(e => e["type"] = type).ToJsonString()), dequeueCount: 1);

        var request = AccessTokenChangesFunction.ToRequest(message, maxDequeueCount: 5);

        Assert.Equal(OriginKind.Event, request.Origin.Kind);
        Assert.Null(request.NotAdmitted);
    }

    [Fact]
    public void A_refused_envelope_reaches_the_pipeline_as_not_admitted_from_the_queue()
    {
        var message = QueuesModelFactory.QueueMessage("m-1", "pop", BinaryData.FromString(CloudEvent(e => e["specversion"] = "0.3").ToJsonString()), dequeueCount: 2);

        var request = AccessTokenChangesFunction.ToRequest(message, maxDequeueCount: 5);

        Assert.Equal((OriginKind.Event, CallerKinds.Queue), (request.Origin.Kind, request.Origin.Caller.Kind));
        Assert.Equal(ErrorCodes.InvalidEnvelope, request.NotAdmitted?.Code);
        Assert.Equal(new Delivery(2, IsLast: false), request.Delivery);
    }

    [Fact]
    public void Queue_messages_are_not_signature_checked_and_the_last_delivery_is_known()
    {
        var message = QueuesModelFactory.QueueMessage("m-2", "pop", BinaryData.FromString(Document), dequeueCount: 5);

        var request = AccessTokenChangesFunction.ToRequest(message, maxDequeueCount: 5);

        Assert.Null(request.NotAdmitted);
        Assert.Equal(("m-2", new Delivery(5, IsLast: true)), (request.CorrelationId, request.Delivery));
    }
}
