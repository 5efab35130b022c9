using System.Text.Json.Serialization;

namespace AccessTokenGateway.Tokens;

/// <summary>The gateway's own form of a <see cref="TokenState"/>, read strictly: no unknown member, every member present, no null name.</summary>
[JsonSourceGenerationOptions(UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(TokenState))]
internal sealed partial class TokenJsonContext : JsonSerializerContext;
