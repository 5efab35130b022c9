using System.Text;
using System.Text.Json;

namespace AccessTokenGateway.Changes;

/// <summary>What a queue message carries, once its envelope (if any) is taken off.</summary>
public sealed record QueueChange(ReadOnlyMemory<byte> Document, string TokenId, string Envelope, string? EventId, bool IsScheduledRevert);

/// <summary>
/// Unwraps a change-queue message: a change document itself, or that document as the <c>data</c> of a CloudEvents 1.0
/// envelope (structured mode, <c>data</c> or <c>data_base64</c>) or of an Event Grid event, as Event Grid delivers
/// to a Storage queue. A message that is none of these is passed on as it is, for validation to refuse.
/// </summary>
public static class QueueMessageReader
{
    public static QueueChange Read(ReadOnlyMemory<byte> message)
    {
        try
        {
            using var json = JsonDocument.Parse(message, new JsonDocumentOptions { MaxDepth = 16, AllowDuplicateProperties = false });
            var root = json.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("specversion", out var version) && version.ValueKind == JsonValueKind.String)
                {
                    var type = Str(root, "type");
                    var inner = root.TryGetProperty("data", out var data) ? Raw(data)
                        : root.TryGetProperty("data_base64", out var b64) && b64.ValueKind == JsonValueKind.String && TryBase64(b64.GetString()!, out var decoded) ? decoded
                        : ReadOnlyMemory<byte>.Empty;
                    return new QueueChange(inner, TokenIdOf(inner), "cloudevents", Str(root, "id"), type == QueueRevertScheduler.EventType);
                }
                if (root.TryGetProperty("eventType", out var eventType) && eventType.ValueKind == JsonValueKind.String && root.TryGetProperty("data", out var egData))
                {
                    var inner = Raw(egData);
                    return new QueueChange(inner, TokenIdOf(inner), "eventgrid", Str(root, "id"), false);
                }
            }
            return new QueueChange(message, TokenIdOf(message), "none", null, false);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException) // an escaped unpaired surrogate throws the latter
        {
            return new QueueChange(message, "", "none", null, false);
        }
    }

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
    private static string TokenIdOf(ReadOnlyMemory<byte> document)
    {
        try
        {
            using var json = JsonDocument.Parse(document, new JsonDocumentOptions { MaxDepth = 16 });
            return json.RootElement.ValueKind == JsonValueKind.Object
                   && json.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                   && data.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                ? id.GetString()!
                : "";
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return "";
        }
    }
}
