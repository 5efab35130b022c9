using Microsoft.Extensions.DependencyInjection;

namespace AccessTokenGateway.Benchmarks;

internal static class Decorate
{
    /// <summary>Wraps the last registration of <typeparamref name="T"/> (whatever the gateway registered) in <paramref name="wrap"/>, keeping its lifetime.</summary>
    public static void With<T>(IServiceCollection services, Func<T, T> wrap) where T : class
    {
        var original = services.Last(d => d.ServiceType == typeof(T) && !d.IsKeyedService);
        services.Remove(original);
        services.Add(new ServiceDescriptor(typeof(T), sp => wrap(Create<T>(sp, original)), original.Lifetime));
    }

    private static T Create<T>(IServiceProvider sp, ServiceDescriptor original) where T : class =>
        (T)(original.ImplementationInstance
            ?? original.ImplementationFactory?.Invoke(sp)
            ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!));
}
