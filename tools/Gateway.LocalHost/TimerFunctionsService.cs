using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace AccessTokenGateway.LocalHost;

/// <summary>
/// Runs the Functions app's timer-triggered functions locally: every public class of the given assemblies with a
/// <c>[Function]</c> method taking a <c>[TimerTrigger]</c> parameter is found and called, each on its own loop, one run
/// at a time (as the Functions host's timer singleton does), with a <see cref="TimerInfo"/> and the host's stopping
/// token. The one local difference: the schedule is an interval from configuration, not the function's CRON
/// expression — <c>LocalHost:Timers:Interval</c> (default 30 s), <c>LocalHost:Timers:&lt;function name&gt;</c> for one
/// function, <c>LocalHost:Timers:Enabled=false</c> to run none (tests call the functions themselves). Waits run on the
/// app's <see cref="TimeProvider"/>, so with a fake clock a timer fires when the clock is moved.
/// </summary>
public sealed class TimerFunctionsService(IServiceProvider services, IConfiguration configuration, TimeProvider time, ILogger<TimerFunctionsService> logger)
    : BackgroundService
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(30);

    /// <summary>The timer functions of <paramref name="assemblies"/>: their class, method and function name.</summary>
    public static IReadOnlyList<TimerFunction> Discover(params Assembly[] assemblies) =>
        (from assembly in assemblies
         from type in assembly.GetExportedTypes()
         where type is { IsClass: true, IsAbstract: false }
         from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
         let function = method.GetCustomAttribute<FunctionAttribute>()
         where function is not null && method.GetParameters().Any(p => p.GetCustomAttribute<TimerTriggerAttribute>() is not null)
         select new TimerFunction(function.Name, type, method)).ToList();

    /// <summary>Finds the timer functions of <paramref name="assemblies"/> and runs them with the host.</summary>
    public static IServiceCollection Register(IServiceCollection services, params Assembly[] assemblies)
    {
        foreach (var function in Discover(assemblies)) services.AddSingleton(function);
        services.AddSingleton<TimerFunctionsService>();
        return services.AddHostedService(sp => sp.GetRequiredService<TimerFunctionsService>());
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var section = configuration.GetSection("LocalHost:Timers");
        if (!section.GetValue("Enabled", true)) return Task.CompletedTask;
        var functions = services.GetServices<TimerFunction>().ToList();
        return Task.WhenAll(functions.Select(f => RunAsync(f, section.GetValue<TimeSpan?>(f.Name) ?? section.GetValue("Interval", DefaultInterval), stoppingToken)));
    }

    private async Task RunAsync(TimerFunction function, TimeSpan interval, CancellationToken stoppingToken)
    {
        logger.LogInformation("Timer function {Function} runs every {Interval} locally", function.Name, interval);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, stoppingToken);
                await InvokeAsync(function, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // As the Functions host does: a failed run is logged, and the next one comes on schedule.
                logger.LogError("Timer function {Function} failed: {ExceptionType}", function.Name, ex.GetType().FullName);
            }
        }
    }

    /// <summary>Calls the function once, as the host would: a fresh instance, a <see cref="TimerInfo"/>, the cancellation token.</summary>
    public async Task InvokeAsync(TimerFunction function, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var instance = ActivatorUtilities.CreateInstance(scope.ServiceProvider, function.Type);
        var arguments = function.Method.GetParameters().Select(p => p.ParameterType switch
        {
            var t when t == typeof(TimerInfo) => new TimerInfo { IsPastDue = false },
            var t when t == typeof(CancellationToken) => (object)cancellationToken,
            var t => throw new NotSupportedException($"The local host cannot bind a {t.Name} parameter of timer function {function.Name}."),
        }).ToArray();
        try
        {
            if (function.Method.Invoke(instance, arguments) is Task task) await task;
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
        }
    }
}
