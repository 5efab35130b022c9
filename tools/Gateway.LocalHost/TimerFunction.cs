using System.Reflection;

namespace AccessTokenGateway.LocalHost;

/// <summary>A timer-triggered function of the Functions app, as <see cref="TimerFunctionsService"/> found it.</summary>
public sealed record TimerFunction(string Name, Type Type, MethodInfo Method);
