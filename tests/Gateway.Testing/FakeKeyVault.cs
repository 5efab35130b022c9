using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AccessTokenGateway.Tests.Support;

/// <summary>
/// A local HTTPS endpoint that speaks Key Vault's secrets protocol as far as <see cref="SecretClient"/> uses it:
/// an unauthenticated request gets the 401 challenge (<c>WWW-Authenticate: Bearer authorization=…, resource=…</c>),
/// then <c>GET /secrets/{name}</c> with the test credential's bearer token returns the secret bundle. It uses a
/// self-signed certificate made at run time, which only the clients from <see cref="ClientOptions"/> trust.
/// </summary>
public sealed class FakeKeyVault : IAsyncDisposable
{
    public const string AccessToken = "fake-entra-access-token-for-key-vault";

    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;
    private readonly ConcurrentDictionary<string, string> _secrets = new();
    private int _reads;

    private FakeKeyVault(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        _certificate = certificate;
    }

    public Uri VaultUri { get; private set; } = null!;
    /// <summary>Authenticated secret reads served (challenges not counted).</summary>
    public int SecretReads => Volatile.Read(ref _reads);
    /// <summary>When set, every secret request gets this status (503 for an outage, 429 for throttling).</summary>
    public HttpStatusCode? FailWith { get; set; }

    public void SetSecret(string name, string value) => _secrets[name] = value;

    public static async Task<FakeKeyVault> StartAsync()
    {
        var certificate = CreateCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        var vault = new FakeKeyVault(app, certificate);
        app.MapGet("/secrets/{name}/{version?}", (HttpContext context, string name) => vault.Serve(context, name));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        vault.VaultUri = new Uri(address.Replace("[::1]", "127.0.0.1") + "/");
        return vault;
    }

    private IResult Serve(HttpContext context, string name)
    {
        if (context.Request.Headers.Authorization.ToString() != "Bearer " + AccessToken)
        {
            context.Response.Headers.WWWAuthenticate =
                "Bearer authorization=\"https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000\", resource=\"https://vault.azure.net\"";
            return Results.Json(new { error = new { code = "Unauthorized", message = "AKV10000: Request is missing a Bearer or PoP token." } }, statusCode: 401);
        }
        if (FailWith is { } failure)
            return Results.Json(new { error = new { code = failure == HttpStatusCode.TooManyRequests ? "Throttled" : "ServiceUnavailable", message = "Injected failure." } }, statusCode: (int)failure);
        if (!_secrets.TryGetValue(name, out var value))
            return Results.Json(new { error = new { code = "SecretNotFound", message = $"A secret with (name/id) {name} was not found in this key vault." } }, statusCode: 404);
        Interlocked.Increment(ref _reads);
        return Results.Json(new
        {
            value,
            id = new Uri(VaultUri, $"secrets/{name}/0123456789abcdef0123456789abcdef").ToString(),
            attributes = new { enabled = true, created = 1_700_000_000, updated = 1_700_000_000, recoveryLevel = "Recoverable+Purgeable" },
            tags = new { },
        });
    }

    /// <summary>Client options that trust this vault's certificate (and only it) and skip the public-cloud resource check.</summary>
    public SecretClientOptions ClientOptions()
    {
        var thumbprint = _certificate.Thumbprint;
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == thumbprint,
        };
        var options = new SecretClientOptions { Transport = new HttpClientTransport(handler), DisableChallengeResourceVerification = true };
        options.Retry.MaxRetries = 1;
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        return options;
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(2));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificate.Dispose();
    }
}

/// <summary>A credential that hands out the fake vault's access token and counts how often it was asked.</summary>
public sealed class TestCredential : TokenCredential
{
    private int _requests;
    public int TokenRequests => Volatile.Read(ref _requests);

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        return new AccessToken(FakeKeyVault.AccessToken, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
