using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace DatoCmsSimulator;

/// <summary>
/// Test-control endpoints under <c>/_simulator/</c>: no auth, not rate-limited, not recorded. JSON is camelCase.
/// </summary>
internal static class AdminEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void Map(IEndpointRouteBuilder app, SimulatorState state)
    {
        var admin = app.MapGroup("/_simulator");

        // ?method=PUT&pathPrefix=/access_tokens/312 filter optionally.
        admin.MapGet("/requests", (string? method, string? pathPrefix) =>
            Results.Json(state.Requests.Where(r =>
                (method is null || string.Equals(r.Method, method, StringComparison.OrdinalIgnoreCase)) &&
                (pathPrefix is null || r.Path.StartsWith(pathPrefix, StringComparison.Ordinal))), Json));

        admin.MapDelete("/requests", () =>
        {
            state.ClearRequests();
            return Results.NoContent();
        });

        admin.MapPost("/reset", () =>
        {
            state.Reset();
            return Results.NoContent();
        });

        admin.MapGet("/faults", () => Results.Json(new
        {
            pending = state.Faults.Pending,
            latencyMs = state.Faults.Latency.TotalMilliseconds,
            persistent = state.Faults.Persistent is { } p ? Describe(p) : null,
        }, Json));

        admin.MapPost("/faults", async (HttpContext ctx) =>
        {
            using var doc = await ReadJsonAsync(ctx);
            if (doc is null) return BadRequest("body must be a JSON object");
            var root = doc.RootElement;
            var kindText = GetString(root, "kind");
            if (kindText is null || !Enum.TryParse<FaultKind>(kindText.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var kind)
                || !Enum.IsDefined(kind))
            {
                return BadRequest($"kind must be one of {string.Join(", ", Enum.GetNames<FaultKind>())}");
            }
            TimeSpan? delay = null;
            if (GetNumber(root, "delayMs") is { } ms) delay = TimeSpan.FromMilliseconds(ms);
            else if (GetString(root, "delay") is { } delayText)
            {
                if (!TimeSpan.TryParse(delayText, System.Globalization.CultureInfo.InvariantCulture, out var parsed)) return BadRequest("delay must be a TimeSpan (e.g. 00:00:01.5) or use delayMs");
                delay = parsed;
            }
            var fault = new Fault(
                kind,
                Count: (int)(GetNumber(root, "count") ?? 1),
                StatusCode: (int)(GetNumber(root, "statusCode") ?? 500),
                Delay: delay,
                ResetSeconds: (int)(GetNumber(root, "resetSeconds") ?? 3),
                Method: GetString(root, "method"),
                PathPrefix: GetString(root, "pathPrefix"),
                Code: GetString(root, "code"));
            if (fault.Count < 1) return BadRequest("count must be >= 1");
            if (root.TryGetProperty("persistent", out var persistent) && persistent.ValueKind == JsonValueKind.True)
            {
                state.Faults.SetPersistent(fault);
            }
            else
            {
                state.Faults.Add(fault);
            }
            return Results.Json(Describe(fault), Json, statusCode: StatusCodes.Status201Created);
        });

        admin.MapDelete("/faults", () =>
        {
            state.Faults.Clear();
            return Results.NoContent();
        });

        admin.MapPut("/latency", async (HttpContext ctx) =>
        {
            using var doc = await ReadJsonAsync(ctx);
            if (doc is null || GetNumber(doc.RootElement, "milliseconds") is not { } ms || ms < 0) return BadRequest("expected {\"milliseconds\": <number >= 0>}");
            state.Faults.SetLatency(TimeSpan.FromMilliseconds(ms));
            return Results.NoContent();
        });

        admin.MapGet("/rate-limit", () => Results.Json(RateLimitShape(state.Options), Json));

        admin.MapPut("/rate-limit", async (HttpContext ctx) =>
        {
            using var doc = await ReadJsonAsync(ctx);
            if (doc is null) return BadRequest("expected {\"perWindow\": 30, \"windowSeconds\": 3}");
            var perWindow = GetNumber(doc.RootElement, "perWindow");
            var windowSeconds = GetNumber(doc.RootElement, "windowSeconds");
            if (perWindow is < 0 || windowSeconds is <= 0) return BadRequest("perWindow must be >= 0 and windowSeconds > 0");
            if (perWindow is { } p) state.Options.RateLimitPerWindow = (int)p;
            if (windowSeconds is { } w) state.Options.RateLimitWindow = TimeSpan.FromSeconds(w);
            state.RateLimiter.Reset();
            return Results.Json(RateLimitShape(state.Options), Json);
        });

        admin.MapPut("/api-tokens", async (HttpContext ctx) =>
        {
            using var doc = await ReadJsonAsync(ctx);
            if (doc is null || !doc.RootElement.TryGetProperty("tokens", out var tokens) || tokens.ValueKind != JsonValueKind.Array
                || tokens.EnumerateArray().Any(t => t.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(t.GetString())))
            {
                return BadRequest("expected {\"tokens\": [\"<bearer>\", ...]}");
            }
            var values = tokens.EnumerateArray().Select(t => t.GetString()!).ToArray();
            if (state.Options.ApiTokens is SynchronizedList list) list.ReplaceAll(values);
            else
            {
                state.Options.ApiTokens.Clear();
                foreach (var v in values) state.Options.ApiTokens.Add(v);
            }
            return Results.NoContent();
        });

        admin.MapGet("/tokens", () => Results.Json(state.GetTokens(), Json));

        admin.MapGet("/tokens/{id}", (string id) =>
            state.GetToken(id) is { } token ? Results.Json(token, Json) : Results.NotFound());

        admin.MapPut("/tokens/{id}", async (string id, HttpContext ctx) =>
        {
            AccessTokenState? token;
            try
            {
                token = await JsonSerializer.DeserializeAsync<AccessTokenState>(ctx.Request.Body, Json, ctx.RequestAborted);
            }
            catch (JsonException e)
            {
                return BadRequest(e.Message);
            }
            if (token is null || token.Id != id || string.IsNullOrEmpty(token.Name)) return BadRequest("expected an AccessTokenState with a matching id and a name");
            state.SetToken(token);
            return Results.Json(token, Json);
        });
    }

    private static object RateLimitShape(SimulatorOptions o) => new { perWindow = o.RateLimitPerWindow, windowSeconds = o.RateLimitWindow.TotalSeconds };

    private static object Describe(Fault f) => new
    {
        kind = f.Kind.ToString(),
        count = f.Count,
        statusCode = f.StatusCode,
        delayMs = f.Delay?.TotalMilliseconds,
        resetSeconds = f.ResetSeconds,
        method = f.Method,
        pathPrefix = f.PathPrefix,
    };

    private static IResult BadRequest(string message) => Results.Json(new { error = message }, Json, statusCode: StatusCodes.Status400BadRequest);

    private static async Task<JsonDocument?> ReadJsonAsync(HttpContext ctx)
    {
        try
        {
            var doc = await JsonDocument.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
            if (doc.RootElement.ValueKind == JsonValueKind.Object) return doc;
            doc.Dispose();
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? GetString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double? GetNumber(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
}
