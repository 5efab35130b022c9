using Microsoft.Extensions.Options;

namespace AccessTokenGateway.Tests;

/// <summary>Options that do not change, for units that read <see cref="IOptionsMonitor{TOptions}"/>.</summary>
internal static class OptionsMonitor
{
    public static IOptionsMonitor<T> Of<T>(T value) => new Fixed<T>(value);

    private sealed class Fixed<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;
        public T Get(string? name) => value;
        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}
