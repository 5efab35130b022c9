namespace AccessTokenGateway.Reads;

/// <summary>One read route's request: which collection (<see cref="ReadCollections"/>), one record's id or the whole list, and the caller's correlation id.</summary>
public sealed record ReadRequest(string Collection, string? Id, string CorrelationId);
