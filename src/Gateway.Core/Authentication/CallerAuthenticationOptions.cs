namespace AccessTokenGateway.Authentication;

/// <summary>How far the gateway believes what a request says about its caller (<c>Authentication:*</c>).</summary>
public sealed class CallerAuthenticationOptions
{
    public const string SectionName = "Authentication";

    /// <summary>
    /// Read the caller from App Service Authentication's <c>X-MS-CLIENT-PRINCIPAL*</c> headers. Only Easy Auth may set
    /// them, and it strips copies a client sends — but only where Easy Auth is switched on. Anywhere else (the local
    /// host, an app without Easy Auth) any caller could send them, so this is off unless set.
    /// </summary>
    public bool TrustAppServicePrincipal { get; set; }
}
