using System.Text;
using AccessTokenGateway.Authentication;
using AccessTokenGateway.Changes;
using AccessTokenGateway.Functions.Http;
using Microsoft.AspNetCore.Http;

namespace AccessTokenGateway.Tests.Validation;

/// <summary>HTTP requests as the function receives them, admitted in process (no server): a <see cref="DefaultHttpContext"/>.</summary>
internal static class HttpRequests
{
    public const string JsonApi = "application/vnd.api+json";

    /// <summary>
    /// <c>PUT /api/access_tokens/{id}</c> with <paramref name="body"/>, through <see cref="HttpAdmission"/> with signatures
    /// off. <paramref name="sendLength"/> false is a chunked body: no <c>Content-Length</c> to refuse it by.
    /// </summary>
    public static Task<ChangeRequest> AdmitAsync(string id, byte[] body, string? contentType = JsonApi,
        Dictionary<string, string>? headers = null, string? query = null, bool sendLength = true)
    {
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Method = "PUT";
        request.Path = "/api/access_tokens/" + id;
        if (query is not null) request.QueryString = new QueryString(query);
        request.ContentType = contentType;
        if (sendLength) request.ContentLength = body.Length;
        request.Body = new MemoryStream(body);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) request.Headers[name] = value;
        return new HttpAdmission(new TriggerAuthenticationOnly()).AdmitAsync(request, id, CancellationToken.None);
    }

    public static Task<ChangeRequest> AdmitAsync(string id, string body, string? contentType = JsonApi,
        Dictionary<string, string>? headers = null, string? query = null) =>
        AdmitAsync(id, Encoding.UTF8.GetBytes(body), contentType, headers, query);
}
