using System.Text;
using System.Text.Json;
using AccessTokenGateway.Changes;
using AccessTokenGateway.Diagnostics;
using AccessTokenGateway.JsonApi;
using AccessTokenGateway.Outcomes;

namespace AccessTokenGateway.Functions.Queue;

/// <summary>
/// Takes a change-queue message out of its envelope, strictly. A message is exactly one of: a change document itself;
/// a CloudEvents 1.0 event in structured JSON mode (<c>specversion</c> "1.0", its required attributes, extension
/// attributes of scalar values, and exactly one of <c>data</c> or <c>data_base64</c>); or an Event Grid event as Event
/// Grid delivers it to a Storage queue. Anything that claims to be an envelope but is not exactly one is refused, as
/// a bad document is. The CloudEvents <c>traceparent</c>/<c>tracestate</c> extensions are taken only as valid W3C trace
/// context. The message is parsed once here; the document inside is validated by the pipeline.
/// </summary>
public static class QueueEnvelope
{
    public const string None = "none";
    public const string CloudEvents = "cloudevents";
    public const string EventGrid = "eventgrid";

    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 16, AllowDuplicateProperties = false };
    private static readonly string[] CloudEventAttributes = ["specversion", "id", "source", "type", "datacontenttype", "dataschema", "subject", "time", "data", "data_base64"];
    private static readonly string[] EventGridMembers = ["id", "topic", "subject", "eventType", "eventTime", "data", "dataVersion", "metadataVersion"];

    public static QueueChange Read(ReadOnlyMemory<byte> message)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(message, ParseOptions);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException) // an escaped unpaired surrogate throws the latter
        {
            // Not JSON at all: the document's validation gives the same answer a bad HTTP body gets.
            return new QueueChange(message, "", None, null, null);
        }
        using (json)
        {
            var root = json.RootElement;
            try
            {
                if (root.ValueKind != JsonValueKind.Object) return new QueueChange(message, "", None, null, null);
                if (root.TryGetProperty("specversion", out _)) return ReadCloudEvent(root);
                if (root.TryGetProperty("eventType", out _)) return ReadEventGridEvent(root);
                return new QueueChange(message, TokenIdOf(root), None, null, null);
            }
            catch (InvalidOperationException)
            {
                // A string escapes half a surrogate pair ("\ud800"): not text. Validation refuses the message as not JSON.
                return new QueueChange(message, "", None, null, null);
            }
        }
    }

    private static QueueChange ReadCloudEvent(JsonElement root)
    {
        QueueChange Invalid(string field, string message) => new(ReadOnlyMemory<byte>.Empty, "", CloudEvents, null,
            Refused.Field(RefusalKind.Invalid, ErrorCodes.InvalidEnvelope, field, "VALIDATION_INVALID", message));

        if (Str(root, "specversion") != "1.0") return Invalid("specversion", "Only CloudEvents 1.0 events are taken: specversion must be \"1.0\".");
        foreach (var required in new[] { "id", "source", "type" })
        {
            if (Str(root, required) is not { Length: > 0 }) return Invalid(required, $"A CloudEvent needs {required}, a non-empty string.");
        }
        foreach (var member in root.EnumerateObject())
        {
            var known = Array.IndexOf(CloudEventAttributes, member.Name) >= 0;
            if (!known && !IsExtensionName(member.Name))
                return Invalid(Printable(member.Name), "CloudEvents attribute names are 1 to 20 lowercase letters or digits.");
            if (member.Name is "data") continue;
            if (!known && member.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
                return Invalid(member.Name, "A CloudEvents extension attribute must be a string, a number or a boolean.");
            if (known && member.Value.ValueKind != JsonValueKind.String)
                return Invalid(member.Name, $"The CloudEvents attribute {member.Name} must be a string.");
        }

        // The CloudEvents distributed-tracing extension: a W3C trace context, continued by the change's trace.
        var traceParent = Str(root, "traceparent");
        var traceState = Str(root, "tracestate");
        var trace = GatewayActivity.ParseTraceParent(traceParent, traceState);
        if (root.TryGetProperty("traceparent", out _) && trace is null)
            return Invalid("traceparent", "traceparent must be a W3C trace context: 00-<32 hex>-<16 hex>-<2 hex>, ids not all zero.");
        if (root.TryGetProperty("tracestate", out _) && (traceParent is null || !GatewayActivity.IsValidTraceState(traceState)))
            return Invalid("tracestate", "tracestate goes with a traceparent and is at most 512 printable ASCII characters.");

        var hasData = root.TryGetProperty("data", out var data);
        var hasBase64 = root.TryGetProperty("data_base64", out var base64);
        if (hasData == hasBase64)
            return Invalid("data", "A change event carries exactly one of data and data_base64.");

        var id = Str(root, "id");
        if (hasData)
            return new QueueChange(Raw(data), data.ValueKind == JsonValueKind.Object ? TokenIdOf(data) : "", CloudEvents, id, null, trace);

        if (!TryBase64(base64.GetString()!, out var decoded)) return Invalid("data_base64", "data_base64 must be base64.");
        return new QueueChange(decoded, TokenIdOf(decoded), CloudEvents, id, null, trace);
    }

    private static QueueChange ReadEventGridEvent(JsonElement root)
    {
        QueueChange Invalid(string field, string message) => new(ReadOnlyMemory<byte>.Empty, "", EventGrid, null,
            Refused.Field(RefusalKind.Invalid, ErrorCodes.InvalidEnvelope, field, "VALIDATION_INVALID", message));

        foreach (var member in root.EnumerateObject())
        {
            if (Array.IndexOf(EventGridMembers, member.Name) < 0) return Invalid(Printable(member.Name), "Not a member of an Event Grid event.");
            if (member.Name != "data" && member.Value.ValueKind != JsonValueKind.String)
                return Invalid(member.Name, $"The Event Grid member {member.Name} must be a string.");
        }
        foreach (var required in new[] { "id", "subject", "eventType", "eventTime", "dataVersion" })
        {
            if (Str(root, required) is not { Length: > 0 }) return Invalid(required, $"An Event Grid event needs {required}, a non-empty string.");
        }
        if (!root.TryGetProperty("data", out var data)) return Invalid("data", "An Event Grid change event carries the change document as data.");
        return new QueueChange(Raw(data), data.ValueKind == JsonValueKind.Object ? TokenIdOf(data) : "", EventGrid, Str(root, "id"), null);
    }

    private static bool IsExtensionName(string name) =>
        name.Length is > 0 and <= 20 && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9'));

    private static string Printable(string name) => name.Length <= 64 && name.All(c => !char.IsControl(c)) ? name : "(unprintable)";

    private static ReadOnlyMemory<byte> Raw(JsonElement element) => Encoding.UTF8.GetBytes(element.GetRawText());

    private static string? Str(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool TryBase64(string text, out ReadOnlyMemory<byte> bytes)
    {
        var buffer = new byte[text.Length];
        var ok = Convert.TryFromBase64String(text, buffer, out var written);
        bytes = ok ? buffer.AsMemory(0, written) : ReadOnlyMemory<byte>.Empty;
        return ok;
    }

    /// <summary><c>data.id</c> of a change document, or empty when there is none to be read.</summary>
    private static string TokenIdOf(JsonElement document) =>
        document.ValueKind == JsonValueKind.Object
        && document.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
        && data.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()!
            : "";

    /// <summary>The same, for a document that came base64-encoded and so was not parsed with the envelope.</summary>
    private static string TokenIdOf(ReadOnlyMemory<byte> document)
    {
        try
        {
            using var json = JsonDocument.Parse(document, ParseOptions);
            return TokenIdOf(json.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return "";
        }
    }
}
