namespace AccessTokenGateway.Outcomes;

/// <summary>
/// What a step of the pipeline returns: the value it produced, or the outcome that ends the change there (a refusal,
/// a dependency unavailable). The one way a step says "stop": no exceptions, tuples or nullable errors beside it.
/// </summary>
public readonly record struct Step<T>(T? Value, Outcome? Stop) where T : class
{
    public static implicit operator Step<T>(T value) => new(value, null);
    public static implicit operator Step<T>(Refused refused) => new(null, refused);
    public static implicit operator Step<T>(Unavailable unavailable) => new(null, unavailable);
}
