"""The workforce indicators: computed per profession × territory × year from validated
returns, under statistical secrecy, and published into the territories' recompute."""
