using AccessTokenGateway.Changes;
using AccessTokenGateway.Outcomes;

namespace AccessTokenGateway.Tests.Changes;

public sealed class InProcessTokenLocksTests
{
    [Fact]
    public async Task A_token_is_held_by_one_change_at_a_time()
    {
        var locks = new InProcessTokenLocks(TimeSpan.FromSeconds(5));
        var first = await locks.AcquireAsync("312", default);

        var second = locks.AcquireAsync("312", default);
        var other = await locks.AcquireAsync("313", default);

        Assert.False(second.IsCompleted);
        await first.DisposeAsync();
        await (await second).DisposeAsync();
        await other.DisposeAsync();
    }

    [Fact]
    public async Task A_wait_past_the_limit_is_token_busy_and_leaves_the_lock_usable()
    {
        var locks = new InProcessTokenLocks(TimeSpan.FromMilliseconds(50));
        var held = await locks.AcquireAsync("312", default);

        var busy = await Assert.ThrowsAsync<DependencyUnavailableException>(() => locks.AcquireAsync("312", default));

        Assert.Equal(Dependency.TokenLock, busy.Dependency);
        await held.DisposeAsync();
        await (await locks.AcquireAsync("312", default)).DisposeAsync();
        Assert.Equal(0, locks.Count);
    }

    [Fact]
    public async Task The_map_holds_only_the_tokens_in_use_however_many_were_seen()
    {
        var locks = new InProcessTokenLocks(TimeSpan.FromSeconds(5));
        for (var id = 0; id < 10_000; id++)
            await (await locks.AcquireAsync(id.ToString(System.Globalization.CultureInfo.InvariantCulture), default)).DisposeAsync();

        var held = await locks.AcquireAsync("312", default);
        var waiting = locks.AcquireAsync("312", default);

        Assert.Equal(1, locks.Count);
        await held.DisposeAsync();
        await (await waiting).DisposeAsync();
        Assert.Equal(0, locks.Count);
    }

    [Fact]
    public async Task Releasing_twice_releases_once()
    {
        var locks = new InProcessTokenLocks(TimeSpan.FromMilliseconds(50));
        var held = await locks.AcquireAsync("312", default);
        await held.DisposeAsync();
        var again = await locks.AcquireAsync("312", default);

        await held.DisposeAsync();

        await Assert.ThrowsAsync<DependencyUnavailableException>(() => locks.AcquireAsync("312", default));
        await again.DisposeAsync();
    }
}
