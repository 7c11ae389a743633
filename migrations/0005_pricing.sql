-- 0005_pricing: inflation-aware pricing (issue 5, part 2). price_changes is the price history:
-- every change of a product's sale price with who made it and why (a reprice run, whose quote is
-- kept in details, or an edit of the product), written in the same transaction as the change and
-- its audit event. pricing_runs records each applied reprice and the settings it used; a
-- scheduled run's store-calendar day is unique, so no two instances reprice the same day twice.
CREATE TABLE "price_changes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"product_id" uuid NOT NULL,
	"old_price" numeric(14, 2),
	"new_price" numeric(14, 2),
	"reason" text NOT NULL,
	"note" text,
	"run_id" uuid,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"actor" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pricing_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"trigger" text NOT NULL,
	"scheduled_for" date,
	"category" text,
	"note" text,
	"actor" text NOT NULL,
	"settings" jsonb NOT NULL,
	"changed" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pricing_runs_trigger_check" CHECK ("pricing_runs"."trigger" in ('manual', 'scheduled'))
);
--> statement-breakpoint
ALTER TABLE "price_changes" ADD CONSTRAINT "price_changes_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "price_changes" ADD CONSTRAINT "price_changes_run_id_pricing_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."pricing_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "price_changes_product_created_idx" ON "price_changes" USING btree ("product_id","created_at","id");--> statement-breakpoint
CREATE INDEX "price_changes_created_idx" ON "price_changes" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "price_changes_run_idx" ON "price_changes" USING btree ("run_id");--> statement-breakpoint
CREATE UNIQUE INDEX "pricing_runs_scheduled_for_key" ON "pricing_runs" USING btree ("scheduled_for") WHERE "pricing_runs"."scheduled_for" is not null;--> statement-breakpoint
CREATE INDEX "pricing_runs_created_idx" ON "pricing_runs" USING btree ("created_at","id");