namespace AccessTokenGateway.Changes;

/// <summary>
/// How the request was delivered: its attempt number (a queue message's dequeue count; 1 over HTTP) and whether a
/// transient failure ends it for good (<see cref="IsLast"/>: the queue will not deliver it again). An HTTP caller decides
/// its own retries, so over HTTP a transient failure is reported as such, never as given up.
/// </summary>
public sealed record Delivery(int Attempt, bool IsLast)
{
    public static readonly Delivery Once = new(1, IsLast: false);
}
