using System.Text.Json;

namespace AccessTokenGateway.Functions.Queue;

/// <summary>
/// The queue settings of host.json (<c>extensions.queues</c>), read from the app's own folder: the one source of the
/// dequeue limit, which the Functions host enforces and the pipeline must know to call a last attempt "given up".
/// </summary>
public sealed record HostJson(TimeSpan? MaxPollingInterval, TimeSpan? VisibilityTimeout, int? BatchSize, int? NewBatchThreshold, int MaxDequeueCount)
{
    /// <summary>The Functions host's default when host.json does not set it.</summary>
    public const int DefaultMaxDequeueCount = 5;

    public static readonly Lazy<HostJson> OfThisApp = new(() => Read(Path.Combine(AppContext.BaseDirectory, "host.json")));

    public static HostJson Read(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        if (!json.RootElement.TryGetProperty("extensions", out var extensions) || !extensions.TryGetProperty("queues", out var queues))
            return new HostJson(null, null, null, null, DefaultMaxDequeueCount);
        return new HostJson(
            Span(queues, "maxPollingInterval"),
            Span(queues, "visibilityTimeout"),
            Int(queues, "batchSize"),
            Int(queues, "newBatchThreshold"),
            Int(queues, "maxDequeueCount") ?? DefaultMaxDequeueCount);
    }

    private static TimeSpan? Span(JsonElement queues, string name) =>
        queues.TryGetProperty(name, out var value) ? TimeSpan.Parse(value.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : null;

    private static int? Int(JsonElement queues, string name) => queues.TryGetProperty(name, out var value) ? value.GetInt32() : null;
}
