namespace AccessTokenGateway.LocalHost;

/// <summary>Creates function classes from the host's service provider.</summary>
internal sealed class ServiceProviderJobActivator(IServiceProvider services) : Microsoft.Azure.WebJobs.Host.IJobActivator
{
    public T CreateInstance<T>() => ActivatorUtilities.CreateInstance<T>(services);
}
