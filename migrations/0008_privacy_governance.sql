-- 0008_privacy_governance: privacy governance (issue 6, items 6-7). privacy_breaches is the breach
-- register (Ley 25.326 art. 9, GDPR art. 33.5: every suspected breach, notified or not, with its
-- 72-hour clock); retention_runs keeps the report of every retention sweep (dry or applied), the
-- record that the retention policy in code was actually applied.
CREATE TABLE "privacy_breaches" (
	"id" uuid PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"occurred_at" timestamp with time zone,
	"detected_at" timestamp with time zone NOT NULL,
	"data_classes" jsonb NOT NULL,
	"people_affected" integer NOT NULL,
	"likely_consequences" text,
	"measures_taken" text,
	"status" text DEFAULT 'open' NOT NULL,
	"notified_at" timestamp with time zone,
	"authority_reference" text,
	"delay_reason" text,
	"closed_at" timestamp with time zone,
	"alert_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by" text NOT NULL,
	"updated_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "privacy_breaches_status_check" CHECK ("privacy_breaches"."status" in ('open', 'notified', 'closed')),
	CONSTRAINT "privacy_breaches_people_check" CHECK ("privacy_breaches"."people_affected" >= 0)
);
--> statement-breakpoint
CREATE TABLE "retention_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"trigger" text NOT NULL,
	"dry_run" boolean NOT NULL,
	"actor" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL,
	"classes" jsonb NOT NULL,
	CONSTRAINT "retention_runs_trigger_check" CHECK ("retention_runs"."trigger" in ('api', 'cli', 'scheduled'))
);
--> statement-breakpoint
CREATE INDEX "privacy_breaches_detected_idx" ON "privacy_breaches" USING btree ("detected_at","id");--> statement-breakpoint
CREATE INDEX "retention_runs_started_idx" ON "retention_runs" USING btree ("started_at","id");