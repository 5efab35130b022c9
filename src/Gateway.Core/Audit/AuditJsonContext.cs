using System.Text.Json.Serialization;

namespace AccessTokenGateway.Audit;

/// <summary>Source-generated serialisation of audit records: snake_case, nulls left out.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AuditRecord))]
[JsonSerializable(typeof(AccessTokenGateway.Tokens.TokenState))]
public sealed partial class AuditJsonContext : JsonSerializerContext;
