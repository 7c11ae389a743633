-- 0007_forecast: demand forecasting (issue 5, part 3). forecast_results caches one computed
-- forecast per product (chosen model, the next 90 days with a 95 % band, the rolling-origin
-- backtest) so that every instance reads what the scheduler computed and a restart is not cold;
-- history_through and source_mark (a time-ordered id taken when the history was read: movement
-- ids above it are newer) are its version stamp.
CREATE TABLE "forecast_results" (
	"product_id" uuid PRIMARY KEY NOT NULL,
	"model" text NOT NULL,
	"history_through" date NOT NULL,
	"source_mark" uuid,
	"points" jsonb NOT NULL,
	"sigma" double precision NOT NULL,
	"backtest_mase" double precision,
	"backtest_wape" double precision,
	"candidates" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"observed_days" integer NOT NULL,
	"censored_days" integer NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "forecast_results_days_check" CHECK ("forecast_results"."observed_days" >= 0 and "forecast_results"."censored_days" >= 0)
);
--> statement-breakpoint
ALTER TABLE "forecast_results" ADD CONSTRAINT "forecast_results_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;