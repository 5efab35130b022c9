namespace AccessTokenGateway.Validation;

/// <summary>Bounds on what a change request may contain. Anything past them is refused, never truncated.</summary>
public static class ValidationLimits
{
    public const int MaxBodyBytes = 64 * 1024;
    public const int MaxJsonDepth = 8;
    public const int MaxIdLength = 64;
    public const int MaxNameLength = 255;
    public const int MaxPersonLength = 256;
    public const int MaxReasonLength = 2000;
    public const int MaxTicketLength = 128;
    public static readonly TimeSpan MaxExpiry = TimeSpan.FromDays(366);
}
