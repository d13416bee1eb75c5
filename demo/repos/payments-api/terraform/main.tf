variable "environment" { type = string }

resource "aws_cloudwatch_log_group" "api" {
  name              = "/ecs/payments-api"
  retention_in_days = 90
}

resource "aws_appautoscaling_target" "api" {
  service_namespace  = "ecs"
  resource_id        = "service/payments-${var.environment}/payments-api"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = 2
  max_capacity       = 12
}
