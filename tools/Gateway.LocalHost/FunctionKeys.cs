using System.Security.Cryptography;
using System.Text;
using AccessTokenGateway.Changes;

namespace AccessTokenGateway.LocalHost;

/// <summary>
/// The local stand-in for the Functions host's <c>AuthorizationLevel.Function</c> check: a key from
/// <c>LocalHost:FunctionKeys:{name}</c> in the <c>x-functions-key</c> header or the <c>code</c> query value.
/// Keys are compared in constant time and never logged; the caller is recorded by the key's name. A request without
/// a valid key gets what the Functions host gives it: an empty 401, before the function runs.
/// </summary>
public sealed class FunctionKeys(IReadOnlyDictionary<string, string> keys)
{
    public const string Header = "x-functions-key";

    public static FunctionKeys From(IConfiguration configuration) =>
        new(configuration.GetSection("LocalHost:FunctionKeys").GetChildren()
            .Where(k => !string.IsNullOrEmpty(k.Value))
            .ToDictionary(k => k.Key, k => k.Value!));

    public int Count => keys.Count;

    public string? NameOf(string? presented)
    {
        if (string.IsNullOrEmpty(presented)) return null;
        var given = Encoding.UTF8.GetBytes(presented);
        string? match = null;
        foreach (var (name, key) in keys)
        {
            // Every key is compared, whatever matched, so the time taken says nothing about which.
            if (CryptographicOperations.FixedTimeEquals(given, Encoding.UTF8.GetBytes(key))) match ??= name;
        }
        return match;
    }

    /// <summary>Endpoint filter: refuses a request without a valid key before the function sees it.</summary>
    public async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        var presented = request.Headers.TryGetValue(Header, out var header) ? header.ToString()
            : request.Query.TryGetValue("code", out var code) ? code.ToString() : null;
        if (NameOf(presented) is not { } name) return Results.Unauthorized();
        context.HttpContext.Items[typeof(CallerIdentity)] = new CallerIdentity(CallerKinds.FunctionKey, name);
        return await next(context);
    }
}
